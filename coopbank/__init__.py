"""coopbank: the composition root (command line, ASGI app) wiring bankcore, graphql_api and ui."""
