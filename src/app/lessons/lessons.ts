/**
 * Guided lessons: each a configuration (applied like a link) and a short sequence of steps,
 * each step two or three sentences about one element on screen (named by its test id) and,
 * where it matters, the landscape tab or poisoned run to show. Pure data and lookups.
 */
import type { LandscapeView } from '../../core/landscape-types';
import type { PoisonMethodId } from '../../core/poison-types';
import type { SharePatch } from '../share/share-types';

export interface LessonStep {
  title: string;
  text: string;
  /** `data-testid` of the element the step is about (highlighted and scrolled to). */
  target: string;
  /** The landscape tab this step shows. */
  view?: LandscapeView;
  /** The poisoned run compared with the clean one in this step. */
  focus?: PoisonMethodId;
}

export interface Lesson {
  id: string;
  title: string;
  /** One line for the lesson menu. */
  summary: string;
  /** Settings the lesson opens with (the rest keep their defaults). */
  patch: SharePatch;
  /** The poison the cross-task view tests. */
  crossTaskMethod?: PoisonMethodId;
  steps: LessonStep[];
}

const withMethods = (methods: PoisonMethodId[]): SharePatch => ({
  poison: { methods },
  salOn: true,
});

export const LESSONS: readonly Lesson[] = [
  {
    id: 'unlearnable-examples',
    title: 'What is an unlearnable example?',
    summary: 'Tiny, invisible noise that stops a network from learning the real task.',
    patch: { ...withMethods(['random-class', 'em-class']), landscapeView: 'surface' },
    steps: [
      {
        title: 'Poisoned images look normal',
        text: 'Each row shows a training digit, the perturbation a poison adds (amplified so you can see it; the factor is stated) and the poisoned image. A person still reads every digit: the change stays within a small budget.',
        target: 'poison-gallery',
        focus: 'em-class',
      },
      {
        title: 'The network learns the noise instead',
        text: 'Both models trained with the same seed and settings. The one trained on class-wise error-minimising noise (EM class) reaches a lower clean test accuracy: the noise was optimised to be the easiest pattern to learn, so the model learns it instead of the digits.',
        target: 'acc-chart',
        focus: 'em-class',
      },
      {
        title: 'Random noise is not enough',
        text: 'Class-wise random noise of the same size barely changes accuracy. What makes an example unlearnable is not the amount of noise but that it is a shortcut. Toggle other methods on the left and press Train to compare.',
        target: 'method-list',
        focus: 'random-class',
      },
    ],
  },
  {
    id: 'poisoned-landscape',
    title: 'The landscape of a poisoned model',
    summary: 'Loss surfaces around a clean and a poisoned model, on one colour scale.',
    patch: {
      ...withMethods(['em-class']),
      landscapeView: 'surface',
      landscapeSettings: { data: 'test' },
    },
    steps: [
      {
        title: 'Two surfaces, one scale',
        text: 'Each surface is the clean test loss around a trained model (red dot) along two random directions, scaled filter by filter to that model’s weights. Height and colour share one scale, so the two can be compared honestly.',
        target: 'landscape',
        view: 'surface',
        focus: 'em-class',
      },
      {
        title: 'From above',
        text: 'The contour view shows the same surfaces from above. The clean model sits in a wide, low basin of clean loss; the poisoned model sits higher, on ground that is not a minimum of the clean task.',
        target: 'landscape',
        view: 'contour',
        focus: 'em-class',
      },
      {
        title: 'Where they differ',
        text: 'The difference view subtracts the clean surface from the poisoned one: red where the poisoned model has higher clean loss. The poison moved the model to where the real task is poorly solved.',
        target: 'landscape',
        view: 'difference',
        focus: 'em-class',
      },
      {
        title: 'The path training took',
        text: 'The training-path plane is spanned by the two main directions of each run’s checkpoints. The path shows where training went; the percentages say how much of the path the plane explains.',
        target: 'landscape',
        view: 'path',
        focus: 'em-class',
      },
    ],
  },
  {
    id: 'which-layers',
    title: 'Which layers stop learning?',
    summary: 'Sharpness-Aware Learnability per layer and epoch, and the threshold beta.',
    patch: { ...withMethods(['em-class', 'lsp']), landscapeView: 'surface' },
    steps: [
      {
        title: 'SAL per layer and epoch',
        text: 'Each cell is the Sharpness-Aware Learnability of one layer after one epoch: how much a few steps of training could still change the loss through that layer. Rows are layers (input side on top), columns epochs.',
        target: 'sal-heatmap',
        focus: 'em-class',
      },
      {
        title: 'The threshold beta',
        text: 'Beta splits all clean SAL values into low and high with a 1-D 2-means; cells above it (outlined) count as learnable. Clean and poisoned share one scale and one beta.',
        target: 'sal-legend',
        focus: 'em-class',
      },
      {
        title: 'Compare poisons',
        text: 'Switch the compared run to LSP: different poisons silence different layers. Click a cell to see SAL of every filter of that layer.',
        target: 'sal-heatmap',
        focus: 'lsp',
      },
    ],
  },
  {
    id: 'ud-across-methods',
    title: 'Unlearnable Distance across methods',
    summary: 'One number per poison: learnable layers of the poisoned run over the clean run’s.',
    patch: withMethods(['random', 'lsp', 'ops', 'em', 'em-class', 'tap']),
    steps: [
      {
        title: 'One card per poison',
        text: 'The Unlearnable Distance (UD) divides the poisoned run’s count of learnable layer-epochs by the clean run’s. UD = 1 is like clean; below 1 the data became partly unlearnable.',
        target: 'ud-card',
        focus: 'em-class',
      },
      {
        title: 'Accuracy and UD tell different stories',
        text: 'Compare the cards with the accuracy chart: a poison can cut accuracy while leaving UD near 1 (the model learned something, just the wrong thing), or the other way round. At this scale UD rests on few layers and epochs, so it is coarse.',
        target: 'acc-chart',
        focus: 'tap',
      },
    ],
  },
  {
    id: 'defences',
    title: 'Do defences restore learnability?',
    summary: 'Train on poisoned data after a defence (here bit-depth reduction) and compare.',
    patch: {
      ...withMethods(['em-class']),
      defence: { id: 'bitdepth', bits: 2 },
    },
    steps: [
      {
        title: 'A defence before training',
        text: 'Every run of this experiment, the clean one included, trains on images reduced to 2 bits per pixel. Coarse quantisation can wipe out a small perturbation while the digits survive.',
        target: 'defence',
        focus: 'em-class',
      },
      {
        title: 'Does accuracy come back?',
        text: 'Compare the poisoned run’s accuracy with the clean one under the same defence, and with the first lesson, where no defence was applied. Try JPEG, blur or adversarial training from the list and press Train.',
        target: 'acc-chart',
        focus: 'em-class',
      },
      {
        title: 'And learnability?',
        text: 'The UD card and the SAL heatmaps show whether the layers learn again, not just whether the accuracy recovered.',
        target: 'ud-card',
        focus: 'em-class',
      },
    ],
  },
  {
    id: 'unlearnable-for-whom',
    title: 'Unlearnable for whom?',
    summary: 'A poison made against digit classification still teaches other tasks.',
    patch: withMethods(['sep']),
    crossTaskMethod: 'sep',
    steps: [
      {
        title: 'One poison, four tasks',
        text: 'SEP perturbs each training image against an ensemble of clean digit classifiers. Here the same poisoned images train other tasks, with targets taken from the clean images: which way is up (rotation), which pixels are the digit (segmentation), and a multi-task model with one shared trunk.',
        target: 'crosstask',
      },
      {
        title: 'Only the attacked task collapses',
        text: 'Digit accuracy collapses, while rotation barely moves and segmentation loses far less. The poison is a shortcut for the labels it was made against, not for every question one can ask of the images. Try class-wise EM in the poison list: the same pattern, milder.',
        target: 'crosstask-bars',
      },
      {
        title: 'Learnability per task',
        text: 'UD and the SAL heatmaps of the shared layers, measured with each task’s own loss, look inside the network. The paper found the same on Taskonomy: data unlearnable for one task stays learnable for others. With only two shared layers UD is coarse here.',
        target: 'crosstask-heatmaps',
      },
    ],
  },
];

/** A lesson by id, or null. */
export function lessonById(id: string): Lesson | null {
  return LESSONS.find((l) => l.id === id) ?? null;
}
