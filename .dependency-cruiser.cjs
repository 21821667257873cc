/**
 * The layer rules of SALscape, checked by dependency-cruiser (`npm run lint:deps`, part of
 * `npm run lint`). Imports run one way:
 *
 *   core <- ml <- workers <- store <- app <- components <- main.tsx
 *
 * scene/ sits beside that chain and reads only core/; cli/ is the Node entry point and uses
 * core, ml and workers. Type-only imports count
 * (`tsPreCompilationDeps: true`): a type that two layers share belongs in core/, not in the
 * upper layer.
 *
 * ESLint keeps the rules dependency-cruiser cannot see (DOM globals in core/ and ml/, React
 * hooks). Paths below are relative to the cruise's base directory, so the unit test
 * (tests/unit/layer-rules.test.ts) can run this very file on a fixture tree.
 */

/** npm packages that tie code to a UI framework, the DOM, a GPU scene or TensorFlow.js. */
const FRAMEWORKS = '(@types/)?(react|react-dom|three|zustand|idb|uplot)(/|$)';
const TFJS = '@tensorflow/';
/** A resolved path inside some node_modules folder (the install may be a symlink elsewhere). */
const inNodeModules = (pkg) => `(^|/)node_modules/${pkg}`;

/** A forbidden edge from `src/<from>` to any path matching one of `to`. */
function forbid(name, comment, from, to) {
  return { name, comment, severity: 'error', from: { path: `^src/${from}` }, to: { path: to } };
}

/** A forbidden edge from one layer folder to other layer folders. */
const layerRule = (name, comment, from, toLayers) =>
  forbid(name, comment, from, `^src/(${toLayers.join('|')})/`);

/** A forbidden edge from one layer folder to npm packages. */
const packageRule = (name, comment, from, packages) =>
  forbid(name, comment, from, packages.map(inNodeModules));

module.exports = {
  forbidden: [
    // bench/: benchmarks measure the app's own code (tfjs and ml/ welcome) but never draw its UI;
    // the shared measurement runs in Node and in a browser worker alike, so it is a library of
    // both sides, not a page.
    {
      name: 'bench-no-views',
      comment: 'bench/ measures the engine; it imports no views, scene or UI framework.',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: ['^src/(components|scene)/', inNodeModules(FRAMEWORKS)] },
    },
    {
      name: 'bench-measure-is-shared',
      comment:
        'bench/measure/ is used by the Node drivers and the browser pages: it imports neither ' +
        'side, nor the state or the worker.',
      severity: 'error',
      from: { path: '^bench/measure/' },
      to: { path: '^(bench/(node|browser)|src/(store|app|workers))/' },
    },

    {
      name: 'no-circular',
      comment:
        'No import cycles anywhere in src/, type-only imports included: a cycle means two ' +
        'files are one idea, or a shared type lives in the wrong layer.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },

    // core/: pure TypeScript, the types every layer shares.
    layerRule(
      'core-is-pure',
      'core/ imports no other layer of src/: everything else builds on it.',
      'core/',
      ['ml', 'workers', 'store', 'app', 'scene', 'components', 'cli'],
    ),
    packageRule(
      'core-no-frameworks',
      'core/ runs anywhere (Node, worker, page): no TensorFlow.js, UI, DOM or scene package.',
      'core/',
      [FRAMEWORKS, TFJS],
    ),

    // ml/: TensorFlow.js, no DOM, no UI.
    layerRule(
      'ml-below-workers',
      'ml/ is the engine: it knows nothing of the worker, the state, the app or the views.',
      'ml/',
      ['workers', 'store', 'app', 'scene', 'components'],
    ),
    packageRule(
      'ml-no-frameworks',
      'ml/ runs in a worker and in Node: no UI, DOM or scene package.',
      'ml/',
      [FRAMEWORKS],
    ),

    // workers/: the worker contract and its jobs.
    layerRule(
      'workers-below-store',
      'workers/ talk to the page through protocol.ts only; they import no state, app or views.',
      'workers/',
      ['store', 'app', 'components', 'scene'],
    ),

    // store/: state only.
    layerRule(
      'store-no-engine',
      'store/ holds state; it reaches the engine through the worker client, never ml/ itself, ' +
        'and knows nothing of the app start-up or the views.',
      'store/',
      ['ml', 'app', 'components'],
    ),
    packageRule('store-no-tfjs', 'store/ never loads TensorFlow.js.', 'store/', [TFJS]),

    // app/: start-up, demos, lessons, sharing, persistence.
    layerRule(
      'app-no-views-no-engine',
      'app/ wires the page together below the views; the engine runs in the worker.',
      'app/',
      ['components', 'ml'],
    ),
    packageRule('app-no-tfjs', 'app/ never loads TensorFlow.js.', 'app/', [TFJS]),

    // scene/: three.js and Canvas 2D over plain typed arrays.
    layerRule(
      'scene-reads-only-core',
      'scene/ draws plain typed arrays: it imports core/ and drawing packages only.',
      'scene/',
      ['ml', 'workers', 'store', 'app', 'components', 'cli'],
    ),
    packageRule('scene-no-tfjs', 'scene/ draws numbers, it never runs a model.', 'scene/', [TFJS]),

    // components/ and the page entry: thin views.
    layerRule(
      'components-no-engine',
      'Views read the store; the engine (ml/) and the worker (workers/) stay behind it.',
      'components/',
      ['ml', 'workers'],
    ),
    packageRule(
      'components-no-tfjs',
      'Views never load TensorFlow.js (it runs in the worker).',
      'components/',
      [TFJS],
    ),
    layerRule(
      'main-no-engine',
      'The page entry mounts the views and starts the app; no engine.',
      '[^/]+\\.tsx$',
      ['ml'],
    ),
    packageRule('main-no-tfjs', 'The page entry never loads TensorFlow.js.', '[^/]+\\.tsx$', [
      TFJS,
    ]),

    // cli/: the Node command line.
    layerRule(
      'cli-no-page',
      'The command line runs in Node on core, ml and workers: no state, app, views or scene.',
      'cli/',
      ['store', 'app', 'components', 'scene'],
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Count `import type` too: a type-only edge is still an edge between layers.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
