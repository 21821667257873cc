/**
 * JSON-safe encoding of typed arrays and non-finite numbers, for session files: a Float32Array
 * becomes {"$f32": base64 of its little-endian bytes}, a Uint8Array {"$u8": base64}, NaN and
 * ±Infinity {"$num": "NaN"} (plain JSON would turn them into null). Pure: no DOM, no Buffer.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 (with padding) of bytes. */
export function bytesToBase64(bytes: Uint8Array): string {
  const out: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    chunk +=
      ALPHABET[(n >> 18) & 63]! +
      ALPHABET[(n >> 12) & 63]! +
      (b === undefined ? '=' : ALPHABET[(n >> 6) & 63]!) +
      (c === undefined ? '=' : ALPHABET[n & 63]!);
    // Joining chunks keeps long strings from being rebuilt on every append.
    if (chunk.length >= 8192) {
      out.push(chunk);
      chunk = '';
    }
  }
  out.push(chunk);
  return out.join('');
}

/** Bytes of a standard base64 string; throws on characters outside the alphabet or bad length. */
export function base64ToBytes(s: string): Uint8Array {
  if (s.length % 4 !== 0) throw new Error('base64 length is not a multiple of 4');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const ch = s.charCodeAt(i + k);
      const isPad = ch === 61 && i + k >= s.length - pad;
      const v = isPad ? 0 : ch < 128 ? (LOOKUP[ch] ?? -1) : -1;
      if (v < 0) throw new Error(`invalid base64 character at ${i + k}`);
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

/** Little-endian bytes of float32 values (bit-exact, NaN payloads included). */
export function float32ToBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat32(i * 4, a[i] ?? 0, true);
  return bytesToBase64(bytes);
}

/** Float32 values from the base64 of their little-endian bytes. */
export function base64ToFloat32(s: string): Float32Array {
  const bytes = base64ToBytes(s);
  if (bytes.length % 4 !== 0) throw new Error('float32 data is not a multiple of 4 bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** JSON.stringify replacer: typed arrays and non-finite numbers as tagged objects. */
export function binaryReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Float32Array) return { $f32: float32ToBase64(value) };
  if (value instanceof Uint8Array) return { $u8: bytesToBase64(value) };
  if (typeof value === 'number' && !Number.isFinite(value)) return { $num: String(value) };
  return value;
}

const NON_FINITE: Record<string, number> = {
  NaN: NaN,
  Infinity: Infinity,
  '-Infinity': -Infinity,
};

/** JSON.parse reviver undoing {@link binaryReplacer}; throws on a malformed tag. */
export function binaryReviver(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const v = (value as Record<string, unknown>)[keys[0]!];
  if (typeof v !== 'string') return value;
  switch (keys[0]) {
    case '$f32':
      return base64ToFloat32(v);
    case '$u8':
      return base64ToBytes(v);
    case '$num':
      if (!(v in NON_FINITE)) throw new Error(`unknown number "${v}"`);
      return NON_FINITE[v];
    default:
      return value;
  }
}
