/**
 * Run colours. The Okabe-Ito palette stays distinct under the common colour-vision
 * deficiencies; a clean run is always the same neutral blue, and each poison method will get
 * one of the other colours, used everywhere that run appears.
 */

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

/** The colour of every clean (unpoisoned) run. */
export const CLEAN_RUN_COLOR: string = OKABE_ITO.blue;
