/**
 * Registers TF.js's gradients. tfjs-core ships them as a separate side-effect module that only
 * the bundler-facing (ESM) build can import; under Node the union package registers the same
 * gradients into the CommonJS tfjs-core instance. The `#tf-gradients` import in package.json
 * picks the right one per environment, so Node tests, the CLI and the browser share this file.
 * Then SALscape's own Conv2D, MaxPool and MatMul gradients replace TF.js's (conv-grad.ts,
 * pool-grad.ts, matmul-grad.ts).
 */
import '#tf-gradients';
import { installConvGradient } from './conv-grad';
import { installMatMulGradient } from './matmul-grad';
import { installPoolGradient } from './pool-grad';

installConvGradient();
installPoolGradient();
installMatMulGradient();
