"""Asset classification (SMA / NPA) and provisioning for loans. Pure."""
