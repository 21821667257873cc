/**
 * A heatmap drawn with three.js: one mesh of cell quads with per-vertex colours and one mesh
 * of outline quads, in pixel units under an orthographic camera. Buffers are reused while the
 * grid keeps its size, and the scene renders on demand (after data or size changes), never
 * in a loop. WebGLRenderer, not WebGPU: WebGPU canvases draw blank in headless browsers.
 */
import {
  BufferAttribute,
  BufferGeometry,
  LinearSRGBColorSpace,
  Mesh,
  MeshBasicMaterial,
  OrthographicCamera,
  Scene,
  WebGLRenderer,
} from 'three';
import type { ColorScale } from './colormap';
import {
  cellColors,
  cellPositions,
  outlineCapacity,
  outlineGeometry,
  type GridLayout,
} from './heatmap-data';

/** What a heatmap shows: a rows x cols matrix (row-major, NaN = no value yet) and marks. */
export interface HeatmapInput {
  cols: number;
  rows: number;
  values: Float32Array;
  /** 1 where the cell gets the learnable outline; rows * cols entries. */
  mask: Uint8Array;
  scale: ColorScale;
}

/** Pixels between cells. */
const GAP = 2;

export class HeatmapScene {
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new OrthographicCamera(0, 1, 1, 0, -1, 1);
  private readonly cells = new BufferGeometry();
  private readonly outline = new BufferGeometry();
  private readonly material = new MeshBasicMaterial({ vertexColors: true });
  private input: HeatmapInput | null = null;
  private width = 1;
  private height = 1;

  /** Throws when WebGL is unavailable; callers show a message instead. */
  constructor(canvas: HTMLCanvasElement) {
    this.renderer = new WebGLRenderer({
      canvas,
      antialias: false,
      alpha: true,
      // Keeps the last frame readable (screenshots, exports); the canvases are small.
      preserveDrawingBuffer: true,
    });
    // The colours are already sRGB: no conversion on output.
    this.renderer.outputColorSpace = LinearSRGBColorSpace;
    this.renderer.setClearColor(0xffffff, 0);
    this.renderer.setPixelRatio(Math.min(2, globalThis.devicePixelRatio || 1));
    for (const geometry of [this.cells, this.outline]) {
      const mesh = new Mesh(geometry, this.material);
      mesh.frustumCulled = false; // the camera always frames the whole grid
      this.scene.add(mesh);
    }
  }

  /** The current grid in pixels. */
  layout(): GridLayout | null {
    const d = this.input;
    return d
      ? { cols: d.cols, rows: d.rows, width: this.width, height: this.height, gap: GAP }
      : null;
  }

  /** Shows new data (buffers reused when the grid size is unchanged) and renders. */
  setData(input: HeatmapInput): void {
    const resized = !this.input || this.input.cols !== input.cols || this.input.rows !== input.rows;
    this.input = input;
    const color = this.cells.getAttribute('color') as BufferAttribute | undefined;
    const next = cellColors(
      input.values,
      input.scale,
      resized ? undefined : (color?.array as Float32Array),
    );
    if (resized || !color) this.cells.setAttribute('color', new BufferAttribute(next, 3));
    else color.needsUpdate = true;
    this.rebuildGeometry(resized);
    this.render();
  }

  /** Follows the canvas's CSS size (pixels) and renders. */
  resize(width: number, height: number): void {
    const w = Math.max(1, Math.floor(width));
    const h = Math.max(1, Math.floor(height));
    if (w === this.width && h === this.height) return;
    this.width = w;
    this.height = h;
    this.renderer.setSize(w, h, false);
    this.camera.right = w;
    this.camera.top = h;
    this.camera.updateProjectionMatrix();
    this.rebuildGeometry(false);
    this.render();
  }

  /** Draws one frame. */
  render(): void {
    if (this.input) this.renderer.render(this.scene, this.camera);
  }

  /** Frees the GPU buffers and the context. */
  dispose(): void {
    this.cells.dispose();
    this.outline.dispose();
    this.material.dispose();
    this.renderer.dispose();
    this.renderer.forceContextLoss();
  }

  /** Rewrites positions (and the outline) in place, or in new buffers when the size changed. */
  private rebuildGeometry(resized: boolean): void {
    const g = this.layout();
    if (!g) return;
    const pos = this.cells.getAttribute('position') as BufferAttribute | undefined;
    const arr = cellPositions(g, resized ? undefined : (pos?.array as Float32Array));
    if (resized || !pos) this.cells.setAttribute('position', new BufferAttribute(arr, 3));
    else pos.needsUpdate = true;
    let opos = this.outline.getAttribute('position') as BufferAttribute | undefined;
    let ocol = this.outline.getAttribute('color') as BufferAttribute | undefined;
    if (resized || !opos || !ocol) {
      const cap = outlineCapacity(g.cols, g.rows);
      opos = new BufferAttribute(new Float32Array(cap), 3);
      ocol = new BufferAttribute(new Float32Array(cap), 3);
      this.outline.setAttribute('position', opos);
      this.outline.setAttribute('color', ocol);
    }
    const used = outlineGeometry(
      g,
      this.input!.mask,
      opos.array as Float32Array,
      ocol.array as Float32Array,
    );
    opos.needsUpdate = true;
    ocol.needsUpdate = true;
    this.outline.setDrawRange(0, used);
  }
}
