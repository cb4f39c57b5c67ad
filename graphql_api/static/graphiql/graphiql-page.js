// Starts GraphiQL with the explorer plugin against this page's own /graphql (HTTP and WebSocket).
// Adapted from Strawberry's graphiql.html (MIT); kept in a file so the page's Content-Security-Policy
// needs no inline script. Headers are neither put in the URL nor kept in localStorage (a bearer
// token must not outlive the session there; staff are signed in by their cookie anyway): only the
// query and its variables go into the URL, so a query can be shared.
(function () {
  "use strict";
  const EXAMPLE_QUERY = "# coopbank GraphiQL: write a query on the left, run it with Ctrl-Enter.\n" +
    "# Auditors are read-only here: mutations are refused.\n\n{\n  me {\n    role\n  }\n}\n";

  const parameters = {};
  for (const entry of window.location.search.slice(1).split("&")) {
    const eq = entry.indexOf("=");
    if (eq >= 0) {
      parameters[decodeURIComponent(entry.slice(0, eq))] = decodeURIComponent(entry.slice(eq + 1));
    }
  }

  function updateURL(data) {
    Object.assign(parameters, data);
    const search = "?" + Object.keys(parameters)
      .filter(function (key) { return Boolean(parameters[key]); })
      .map(function (key) { return encodeURIComponent(key) + "=" + encodeURIComponent(parameters[key]); })
      .join("&");
    history.replaceState(null, null, search);
  }

  const fetchURL = window.location.href.split("?")[0];
  const wsURL = new URL(fetchURL);
  wsURL.protocol = wsURL.protocol === "http:" ? "ws:" : "wss:";
  wsURL.hash = "";

  const fetcher = GraphiQL.createFetcher({ url: fetchURL, subscriptionUrl: wsURL.toString() });

  function GraphiQLWithExplorer() {
    const [query, setQuery] = React.useState(parameters.q || EXAMPLE_QUERY);
    const [variables, setVariables] = React.useState(parameters.variables);
    const explorerPlugin = GraphiQLPluginExplorer.explorerPlugin();
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      plugins: [explorerPlugin],
      query: query,
      variables: variables,
      onEditQuery: function (q) { setQuery(q); updateURL({ q: q }); },
      onEditVariables: function (v) { setVariables(v); updateURL({ variables: v }); },
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(GraphiQLWithExplorer));
})();
