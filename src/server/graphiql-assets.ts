import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export interface StaticAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

/**
 * GraphiQL served from the npm packages' own UMD builds (graphiql 4, React 18), read once at start-up: no CDN,
 * so it works in an air-gapped cluster. Paths are fixed, never taken from the request.
 */
export function loadGraphiqlAssets(): ReadonlyMap<string, StaticAsset> {
  const js = 'text/javascript; charset=utf-8';
  // The packages' `exports` maps do not list their UMD files, so they are read from the package folders.
  const files: readonly (readonly [string, string, string, string])[] = [
    ['/graphiql/react.production.min.js', 'react', 'umd/react.production.min.js', js],
    ['/graphiql/react-dom.production.min.js', 'react-dom', 'umd/react-dom.production.min.js', js],
    ['/graphiql/graphiql.min.js', 'graphiql', 'dist/index.umd.js', js],
    ['/graphiql/graphiql.min.css', 'graphiql', 'dist/style.css', 'text/css; charset=utf-8'],
  ];
  return new Map(
    files.map(([path, pkg, file, contentType]) => [path, { body: readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), file)), contentType }]),
  );
}

const escapeForScript = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const DEFAULT_QUERY = `# kfp-graph: one API over every namespace you may see.
query Dashboard {
  viewer { user groups }
  namespaces(first: 10) {
    nodes {
      name
      runs(first: 5) {
        nodes { name state createdAt experiment { name } }
      }
    }
  }
}
`;

/** The page: loads the four assets above from this server and points GraphiQL at `/graphql`. */
export function graphiqlPage(options: { readonly endpoint: string; readonly defaultHeaders?: Readonly<Record<string, string>> }): string {
  const headers = options.defaultHeaders ? JSON.stringify(options.defaultHeaders, null, 2) : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kfp-graph GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/graphiql/graphiql.min.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/react.production.min.js"></script>
<script src="/graphiql/react-dom.production.min.js"></script>
<script src="/graphiql/graphiql.min.js"></script>
<script>
  // The preset headers also go with the schema introspection GraphiQL sends before its header editor is
  // mounted; whatever the editor holds is merged over them for each request.
  const fetcher = GraphiQL.createFetcher({ url: ${escapeForScript(options.endpoint)}, headers: ${escapeForScript(options.defaultHeaders ?? {})} });
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: ${escapeForScript(DEFAULT_QUERY)},
    defaultHeaders: ${escapeForScript(headers)},
    defaultEditorToolsVisibility: ${headers ? "'headers'" : 'false'},
    shouldPersistHeaders: false,
  }));
</script>
</body>
</html>
`;
}
