/**
 * Run colours. A clean run is always the same neutral blue; each poison method has one fixed
 * colour, used everywhere that run appears (status, charts, gallery, UD cards, heatmaps).
 * The colours come from two palettes designed to stay distinct under the common colour-vision
 * deficiencies: Okabe & Ito (2008) and Paul Tol's "muted" scheme (personal.sron.nl/~pault).
 * Low-contrast members (yellow, sand, pale cyan) are left out: lines must read on white.
 */
import type { PoisonMethodId } from '../core/poison-types';

/** The eight Okabe-Ito colours as CSS hex strings. */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
} as const;

/** The members of Paul Tol's muted scheme used here. */
export const TOL_MUTED = {
  indigo: '#332288',
  green: '#117733',
  olive: '#999933',
  wine: '#882255',
  purple: '#AA4499',
} as const;

/** The colour of every clean (unpoisoned) run. */
export const CLEAN_RUN_COLOR: string = OKABE_ITO.blue;

/**
 * One colour per method, fixed so a method looks the same in every experiment. The cheap
 * methods a class toggles first (random-class, LSP, EM) get the most distinct hues.
 */
export const METHOD_COLORS: Readonly<Record<PoisonMethodId, string>> = {
  random: TOL_MUTED.olive,
  'random-class': OKABE_ITO.orange,
  lsp: OKABE_ITO.bluishGreen,
  ar: OKABE_ITO.reddishPurple,
  ops: OKABE_ITO.skyBlue,
  cuda: TOL_MUTED.wine,
  em: OKABE_ITO.vermillion,
  'em-class': TOL_MUTED.purple,
  tap: TOL_MUTED.green,
  sep: TOL_MUTED.indigo,
  rem: OKABE_ITO.black,
};

/** The colour of a run: clean blue for `null`, else the method's colour. */
export function runColor(method: PoisonMethodId | null): string {
  return method === null ? CLEAN_RUN_COLOR : METHOD_COLORS[method];
}
