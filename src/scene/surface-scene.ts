/**
 * A loss surface in 3D with three.js: a vertex-coloured mesh (height and colour from the same
 * shared scale), contour lines at their heights, the model's own point marked, a box frame and
 * orbit controls. Renders on demand (data, size or camera changes), never in a loop, with the
 * page's one WebGLRenderer (shared-renderer.ts), and copies each frame into the view's own 2D
 * canvas. WebGLRenderer, not WebGPU: WebGPU canvases draw blank in headless browsers.
 */
import {
  AmbientLight,
  BufferGeometry,
  DirectionalLight,
  DoubleSide,
  EdgesGeometry,
  BoxGeometry,
  Group,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  PerspectiveCamera,
  Scene,
  SphereGeometry,
  Vector2,
  type WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { GLTFExporter } from 'three/examples/jsm/exporters/GLTFExporter.js';
import {
  contourSegments,
  HEIGHT_RATIO,
  sampleGrid,
  surfaceMesh,
  toBox,
  type SurfaceDrawInput,
} from './surface-data';
import { writeLinePositions, writeSurfaceMesh } from './geometry-buffers';
import { acquireRenderer, releaseRenderer } from './shared-renderer';
import { context2d, fitCanvas } from './canvas-2d';

/** What the scene shows: a surface, its contour levels and the model's point (grid coords). */
export interface SurfaceSceneInput extends SurfaceDrawInput {
  levels: readonly number[];
  /** Fractional grid coordinates of the model's own weights, or null. */
  marker: { i: number; j: number } | null;
}

const LIFT = 0.003;

export class SurfaceScene {
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(40, 1, 0.01, 20);
  private readonly size = new Vector2();
  private readonly controls: OrbitControls;
  private readonly content = new Group();
  private readonly surfaceGeom = new BufferGeometry();
  private readonly lineGeom = new BufferGeometry();
  private readonly surfaceMat = new MeshLambertMaterial({ vertexColors: true, side: DoubleSide });
  private readonly lineMat = new LineBasicMaterial({
    color: 0xffffff,
    transparent: true,
    opacity: 0.75,
  });
  private readonly frameMat = new LineBasicMaterial({ color: 0x8a8f98 });
  // Drawn over the surface: the model's point must stay visible from any angle.
  private readonly markerMat = new MeshBasicMaterial({ color: 0xe0312b, depthTest: false });
  private readonly marker = new Mesh(new SphereGeometry(0.018, 16, 12), this.markerMat);
  private readonly ctx: CanvasRenderingContext2D;
  private hasData = false;
  private width = 1;
  private height = 1;

  /** Throws when WebGL is unavailable; callers show a message instead. */
  constructor(private readonly canvas: HTMLCanvasElement) {
    this.ctx = context2d(canvas);
    this.renderer = acquireRenderer();
    this.camera.position.set(1.35, 1.2, 1.5);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.target.set(0, HEIGHT_RATIO / 3, 0);
    this.controls.update();
    this.controls.addEventListener('change', () => this.render());
    this.scene.add(new AmbientLight(0xffffff, 2.2));
    const sun = new DirectionalLight(0xffffff, 1.1);
    sun.position.set(0.5, 2, 1);
    this.scene.add(sun);
    const surface = new Mesh(this.surfaceGeom, this.surfaceMat);
    surface.name = 'loss-surface';
    const lines = new LineSegments(this.lineGeom, this.lineMat);
    lines.name = 'contours';
    const frame = new LineSegments(
      new EdgesGeometry(new BoxGeometry(1, HEIGHT_RATIO, 1)),
      this.frameMat,
    );
    frame.position.y = HEIGHT_RATIO / 2;
    frame.name = 'frame';
    this.marker.name = 'model';
    this.marker.renderOrder = 2;
    this.content.add(surface, lines, frame, this.marker);
    this.scene.add(this.content);
  }

  /** Shows a surface and renders. */
  setData(input: SurfaceSceneInput): void {
    // In place: a same-size grid reuses the geometry's buffers (geometry-buffers.ts).
    writeSurfaceMesh(this.surfaceGeom, surfaceMesh(input));
    const nx = input.xs.length;
    const ny = input.ys.length;
    const pts: number[] = [];
    for (const c of contourSegments(input.values, nx, ny, input.levels)) {
      const s = c.segments;
      for (let k = 0; k + 3 < s.length; k += 4) {
        const [x0, y0, z0] = toBox(input, s[k]!, s[k + 1]!, c.level);
        const [x1, y1, z1] = toBox(input, s[k + 2]!, s[k + 3]!, c.level);
        // Lifted a hair so the surface does not hide them.
        pts.push(x0, y0 + LIFT, z0, x1, y1 + LIFT, z1);
      }
    }
    writeLinePositions(this.lineGeom, Float32Array.from(pts));
    if (input.marker) {
      const v = sampleGrid(input.values, nx, ny, input.marker.i, input.marker.j);
      this.marker.position.set(...toBox(input, input.marker.i, input.marker.j, v));
      this.marker.position.y += 0.012;
      this.marker.visible = true;
    } else this.marker.visible = false;
    this.hasData = true;
    this.render();
  }

  /** Follows the canvas's CSS size (pixels) and renders. */
  resize(width: number, height: number): void {
    const { w, h } = fitCanvas(this.canvas, width, height);
    this.width = w;
    this.height = h;
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.render();
  }

  /** Turns the view to a camera angle (keyboard access to the orbit). */
  rotate(deltaAzimuth: number, deltaElevation: number): void {
    const offset = this.camera.position.clone().sub(this.controls.target);
    const r = offset.length();
    let az = Math.atan2(offset.x, offset.z) + deltaAzimuth;
    let el = Math.asin(Math.max(-1, Math.min(1, offset.y / r))) + deltaElevation;
    el = Math.max(0.05, Math.min(1.5, el));
    az = ((az + Math.PI) % (2 * Math.PI)) - Math.PI;
    this.camera.position.set(
      this.controls.target.x + r * Math.cos(el) * Math.sin(az),
      this.controls.target.y + r * Math.sin(el),
      this.controls.target.z + r * Math.cos(el) * Math.cos(az),
    );
    this.controls.update();
  }

  /** Draws one frame with the shared renderer and copies it into this view's canvas. */
  render(): void {
    if (!this.hasData) return;
    const r = this.renderer;
    const ratio = this.canvas.width / this.width;
    if (r.getPixelRatio() !== ratio) r.setPixelRatio(ratio);
    const size = r.getSize(this.size);
    if (size.x !== this.width || size.y !== this.height) r.setSize(this.width, this.height, false);
    r.render(this.scene, this.camera);
    // In the same task as the render, so the drawing buffer still holds the frame.
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.ctx.drawImage(r.domElement, 0, 0, this.canvas.width, this.canvas.height);
  }

  /** The surface, contours and marker as a glTF 2.0 JSON document. */
  async toGltf(): Promise<string> {
    const result = await new GLTFExporter().parseAsync(this.content, { binary: false });
    return JSON.stringify(result);
  }

  /** Frees the GPU buffers and the controls, and gives the renderer back. */
  dispose(): void {
    this.controls.dispose();
    this.surfaceGeom.dispose();
    this.lineGeom.dispose();
    for (const m of [this.surfaceMat, this.lineMat, this.frameMat, this.markerMat]) m.dispose();
    releaseRenderer();
  }
}
