/**
 * The layer rules of `.dependency-cruiser.cjs` bite: run on a small fixture tree
 * (tests/fixtures/layers/src) with one deliberate breach per rule under test and a few clean
 * files, the project's own configuration reports each breach under its rule's name and nothing
 * for the clean files. Guards against a rule that silently matches nothing (a path typo, a
 * type-only import that is not counted).
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(root, 'tests/fixtures/layers');

/** The violations of the project's config on the fixture tree, paths relative to the fixture. */
async function fixtureViolations(): Promise<IViolation[]> {
  const options = await extractDepcruiseOptions(path.join(root, '.dependency-cruiser.cjs'));
  // The rules' paths start at `src/`: cruise from the fixture root so they read the same.
  const { tsConfig: _unused, ...rest } = options;
  const out = await cruise(['src'], { ...rest, baseDir: fixture });
  const result = out.output as ICruiseResult;
  return result.summary.violations;
}

const edges = (vs: IViolation[], rule: string) =>
  vs.filter((v) => v.rule.name === rule).map((v) => `${v.from} -> ${v.to}`);

describe('layer rules (dependency-cruiser)', () => {
  it('reports each deliberate breach under its rule and nothing else', async () => {
    const vs = await fixtureViolations();

    expect(edges(vs, 'store-no-engine')).toEqual(['src/store/engine-leak.ts -> src/ml/engine.ts']);
    expect(edges(vs, 'components-no-engine')).toEqual([
      'src/components/engine-leak.ts -> src/ml/engine.ts',
    ]);

    const core = edges(vs, 'core-no-frameworks');
    expect(core).toHaveLength(2);
    expect(core.find((e) => e.startsWith('src/core/tensor-leak.ts -> '))).toMatch(
      /node_modules\/@tensorflow\/tfjs-core\//,
    );
    // A type-only import counts (tsPreCompilationDeps).
    expect(core.find((e) => e.startsWith('src/core/scene-type-leak.ts -> '))).toMatch(
      /node_modules\/(@types\/)?three\//,
    );

    // The type-only cycle between the two slices, found from either end.
    const cycles = vs.filter((v) => v.rule.name === 'no-circular');
    expect(cycles.length).toBeGreaterThan(0);
    for (const c of cycles) {
      expect([c.from, c.to].sort()).toEqual(['src/store/slice-a.ts', 'src/store/slice-b.ts']);
      expect(c.cycle?.map((step) => step.name).sort()).toEqual([
        'src/store/slice-a.ts',
        'src/store/slice-b.ts',
      ]);
    }

    const rules = new Set(vs.map((v) => v.rule.name));
    expect([...rules].sort()).toEqual([
      'components-no-engine',
      'core-no-frameworks',
      'no-circular',
      'store-no-engine',
    ]);
  }, 60_000);

  it('finds nothing wrong with the clean files', async () => {
    const vs = await fixtureViolations();
    const clean = [
      'src/core/math.ts',
      'src/ml/engine.ts',
      'src/store/state.ts',
      'src/components/Counter.ts',
    ];
    expect(vs.filter((v) => clean.includes(v.from))).toEqual([]);
  }, 60_000);
});
