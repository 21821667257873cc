/** The landscape slice: surface settings and the landscape tab on screen. */
import type { StateCreator } from 'zustand';
import {
  LANDSCAPE_DEFAULTS,
  type LandscapeSettings,
  type LandscapeView,
} from '../core/landscape-types';
import type { All, LandscapeSlice } from './types';

/** Creates the landscape slice. */
export const createLandscapeSlice = (): StateCreator<All, [], [], LandscapeSlice> => (set) => ({
  landscapeSettings: { ...LANDSCAPE_DEFAULTS },
  landscapeView: 'surface',
  landscapeLogScale: false,
  setLandscapeSettings: (patch: Partial<LandscapeSettings>) =>
    set((s) => ({ landscapeSettings: { ...s.landscapeSettings, ...patch } })),
  setLandscapeView: (view: LandscapeView) => set({ landscapeView: view }),
  setLandscapeLogScale: (on: boolean) => set({ landscapeLogScale: on }),
});
