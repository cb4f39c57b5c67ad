"""graphql_api: the Strawberry GraphQL schema in front of bankcore.

The only door into the bank: the NiceGUI app, partner apps and auditors all use it.
Resolvers turn requests into bankcore service calls and domain results into types; no
business rule lives here, only who may ask for what (``graphql_api.policy``).
"""
