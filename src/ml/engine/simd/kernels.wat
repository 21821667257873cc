;; SALscape's own WebAssembly SIMD kernels (see simd-kernels.ts for why and how they are used).
;; Built into kernels-wasm.ts by `npm run build:wasm`; a unit test checks the two agree.
;; All pointers are byte offsets into this module's memory; buffers start 16-byte aligned
;; (channel offsets inside them may not be: WebAssembly allows unaligned access).
(module
  (memory (export "memory") 1)

  ;; A linear first layer at grid point (a, b), max-pooled, with ReLU:
  ;;   dst[o] = max(0, max over t < kk of z0[t][o] + a * z1[t][o] + b * z2[t][o])
  ;; for `blocks` blocks of 4 outputs. src holds, per block and per window position t, the
  ;; three parts as 4 floats each (48 bytes), so the whole surface streams in order.
  ;; f32x4.max propagates NaN, like TF.js's MaxPool and Relu.
  (func (export "combineMax")
    (param $src i32) (param $dst i32) (param $blocks i32) (param $kk i32)
    (param $a f32) (param $b f32) (param $relu i32)
    (local $va v128) (local $vb v128) (local $acc v128) (local $t i32) (local $end i32)
    (local.set $va (f32x4.splat (local.get $a)))
    (local.set $vb (f32x4.splat (local.get $b)))
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $blocks) (i32.const 4))))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (local.set $acc
          (f32x4.add
            (f32x4.add
              (v128.load (local.get $src))
              (f32x4.mul (local.get $va) (v128.load offset=16 (local.get $src))))
            (f32x4.mul (local.get $vb) (v128.load offset=32 (local.get $src)))))
        (local.set $src (i32.add (local.get $src) (i32.const 48)))
        (local.set $t (i32.const 1))
        (block $tdone
          (loop $window
            (br_if $tdone (i32.ge_u (local.get $t) (local.get $kk)))
            (local.set $acc
              (f32x4.max
                (local.get $acc)
                (f32x4.add
                  (f32x4.add
                    (v128.load (local.get $src))
                    (f32x4.mul (local.get $va) (v128.load offset=16 (local.get $src))))
                  (f32x4.mul (local.get $vb) (v128.load offset=32 (local.get $src))))))
            (local.set $src (i32.add (local.get $src) (i32.const 48)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $window)))
        (if (local.get $relu)
          (then (local.set $acc (f32x4.max (local.get $acc) (v128.const f32x4 0 0 0 0)))))
        (v128.store (local.get $dst) (local.get $acc))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $block))))

  ;; The gradient of a 2x2, stride-2, 'valid' max pool over x [n, h, w, c] (c >= 4), given
  ;; dy [n, h/2, w/2, c]: each window's gradient goes to its FIRST maximum in row-major order
  ;; (TF.js's cpu backend). Four channels per step; when c is not a multiple of 4 the last
  ;; step overlaps the one before (same values written twice). out must be zeroed: rows and
  ;; columns past the last full window are not written.
  (func (export "maxPool2Grad")
    (param $x i32) (param $dy i32) (param $out i32)
    (param $n i32) (param $h i32) (param $w i32) (param $c i32)
    (local $ho i32) (local $wo i32) (local $row i32) (local $col i32) (local $cb i32)
    (local $b i32) (local $i i32) (local $j i32) (local $ch i32) (local $last i32)
    (local $p i32) (local $g i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $m v128)
    (local $e v128) (local $s v128) (local $gv v128)
    (local.set $ho (i32.shr_u (local.get $h) (i32.const 1)))
    (local.set $wo (i32.shr_u (local.get $w) (i32.const 1)))
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $row (i32.mul (local.get $w) (local.get $cb)))
    (local.set $last (i32.sub (local.get $c) (i32.const 4)))
    (local.set $b (i32.const 0))
    (loop $lb
      (local.set $i (i32.const 0))
      (loop $li
        (local.set $j (i32.const 0))
        (loop $lj
          ;; byte offsets of the window's top-left element (channel 0) and of dy's element
          (local.set $col
            (i32.mul
              (i32.add
                (i32.mul
                  (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.shl (local.get $i) (i32.const 1)))
                  (local.get $w))
                (i32.shl (local.get $j) (i32.const 1)))
              (local.get $cb)))
          (local.set $g
            (i32.mul
              (i32.add
                (i32.mul
                  (i32.add (i32.mul (local.get $b) (local.get $ho)) (local.get $i))
                  (local.get $wo))
                (local.get $j))
              (local.get $cb)))
          (local.set $ch (i32.const 0))
          (loop $lc
            (if (i32.gt_s (local.get $ch) (local.get $last))
              (then (local.set $ch (local.get $last))))
            (local.set $p (i32.add (local.get $col) (i32.shl (local.get $ch) (i32.const 2))))
            (local.set $x0 (v128.load (i32.add (local.get $x) (local.get $p))))
            (local.set $x1 (v128.load (i32.add (local.get $x) (i32.add (local.get $p) (local.get $cb)))))
            (local.set $x2 (v128.load (i32.add (local.get $x) (i32.add (local.get $p) (local.get $row)))))
            (local.set $x3
              (v128.load
                (i32.add (local.get $x) (i32.add (local.get $p) (i32.add (local.get $row) (local.get $cb))))))
            (local.set $m
              (f32x4.max (f32x4.max (local.get $x0) (local.get $x1))
                         (f32x4.max (local.get $x2) (local.get $x3))))
            (local.set $gv
              (v128.load
                (i32.add (local.get $dy) (i32.add (local.get $g) (i32.shl (local.get $ch) (i32.const 2))))))
            ;; e = this position is a maximum and no earlier one was (s: some earlier one was)
            (local.set $e (f32x4.eq (local.get $x0) (local.get $m)))
            (local.set $s (local.get $e))
            (v128.store (i32.add (local.get $out) (local.get $p))
              (v128.and (local.get $gv) (local.get $e)))
            (local.set $e (v128.andnot (f32x4.eq (local.get $x1) (local.get $m)) (local.get $s)))
            (local.set $s (v128.or (local.get $s) (local.get $e)))
            (v128.store (i32.add (local.get $out) (i32.add (local.get $p) (local.get $cb)))
              (v128.and (local.get $gv) (local.get $e)))
            (local.set $e (v128.andnot (f32x4.eq (local.get $x2) (local.get $m)) (local.get $s)))
            (local.set $s (v128.or (local.get $s) (local.get $e)))
            (v128.store (i32.add (local.get $out) (i32.add (local.get $p) (local.get $row)))
              (v128.and (local.get $gv) (local.get $e)))
            (local.set $e (v128.andnot (f32x4.eq (local.get $x3) (local.get $m)) (local.get $s)))
            (v128.store
              (i32.add (local.get $out) (i32.add (local.get $p) (i32.add (local.get $row) (local.get $cb))))
              (v128.and (local.get $gv) (local.get $e)))
            (local.set $ch (i32.add (local.get $ch) (i32.const 4)))
            (br_if $lc (i32.lt_s (local.get $ch) (local.get $c))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $lj (i32.lt_u (local.get $j) (local.get $wo))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $li (i32.lt_u (local.get $i) (local.get $ho))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $lb (i32.lt_u (local.get $b) (local.get $n)))))

  ;; The filter gradient of a stride-1 conv: out[a, b, c, o] = sum over (n, i, j) of
  ;; x[n, i + a, j + b, c] * dy[n, i, j, o], with x already padded like the forward conv
  ;; ([n, hp, wp, ci]) and dy [n, ho, wo, co] (co >= 4). Four output channels per instruction
  ;; (the last step overlaps the one before when co is not a multiple of 4); each row of the
  ;; image is summed on its own before it is added to the total, which keeps float32 rounding
  ;; well below that of one long running sum.
  (func (export "convFilterGrad")
    (param $x i32) (param $dy i32) (param $out i32)
    (param $n i32) (param $hp i32) (param $wp i32) (param $ci i32)
    (param $ho i32) (param $wo i32) (param $co i32) (param $kh i32) (param $kw i32)
    (local $g i32) (local $a i32) (local $b i32) (local $c i32) (local $bn i32) (local $i i32)
    (local $j i32) (local $xp i32) (local $dp i32) (local $xs i32) (local $ds i32)
    (local $total v128) (local $r0 v128) (local $r1 v128)
    (local.set $xs (i32.shl (local.get $ci) (i32.const 2)))
    (local.set $ds (i32.shl (local.get $co) (i32.const 2)))
    (local.set $g (i32.const 0))
    (loop $lg
      (if (i32.gt_s (local.get $g) (i32.sub (local.get $co) (i32.const 4)))
        (then (local.set $g (i32.sub (local.get $co) (i32.const 4)))))
      (local.set $a (i32.const 0))
      (loop $la
        (local.set $b (i32.const 0))
        (loop $lb
          (local.set $c (i32.const 0))
          (loop $lc
            (local.set $total (v128.const i32x4 0 0 0 0))
            (local.set $bn (i32.const 0))
            (loop $ln
              (local.set $i (i32.const 0))
              (loop $li
                ;; x[bn, i + a, b, c] and dy[bn, i, 0, g]
                (local.set $xp
                  (i32.add (local.get $x)
                    (i32.shl
                      (i32.add
                        (i32.mul
                          (i32.add
                            (i32.mul
                              (i32.add (i32.mul (local.get $bn) (local.get $hp))
                                       (i32.add (local.get $i) (local.get $a)))
                              (local.get $wp))
                            (local.get $b))
                          (local.get $ci))
                        (local.get $c))
                      (i32.const 2))))
                (local.set $dp
                  (i32.add (local.get $dy)
                    (i32.shl
                      (i32.add
                        (i32.mul
                          (i32.mul
                            (i32.add (i32.mul (local.get $bn) (local.get $ho)) (local.get $i))
                            (local.get $wo))
                          (local.get $co))
                        (local.get $g))
                      (i32.const 2))))
                (local.set $r0 (v128.const i32x4 0 0 0 0))
                (local.set $r1 (v128.const i32x4 0 0 0 0))
                (local.set $j (i32.const 2))
                (block $pairs
                  (loop $lj
                    (br_if $pairs (i32.gt_u (local.get $j) (local.get $wo)))
                    (local.set $r0
                      (f32x4.add (local.get $r0)
                        (f32x4.mul (f32x4.splat (f32.load (local.get $xp)))
                                   (v128.load (local.get $dp)))))
                    (local.set $r1
                      (f32x4.add (local.get $r1)
                        (f32x4.mul
                          (f32x4.splat (f32.load (i32.add (local.get $xp) (local.get $xs))))
                          (v128.load (i32.add (local.get $dp) (local.get $ds))))))
                    (local.set $xp (i32.add (local.get $xp) (i32.shl (local.get $xs) (i32.const 1))))
                    (local.set $dp (i32.add (local.get $dp) (i32.shl (local.get $ds) (i32.const 1))))
                    (local.set $j (i32.add (local.get $j) (i32.const 2)))
                    (br $lj)))
                (if (i32.and (local.get $wo) (i32.const 1))
                  (then
                    (local.set $r0
                      (f32x4.add (local.get $r0)
                        (f32x4.mul (f32x4.splat (f32.load (local.get $xp)))
                                   (v128.load (local.get $dp)))))))
                (local.set $total
                  (f32x4.add (local.get $total) (f32x4.add (local.get $r0) (local.get $r1))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $li (i32.lt_u (local.get $i) (local.get $ho))))
              (local.set $bn (i32.add (local.get $bn) (i32.const 1)))
              (br_if $ln (i32.lt_u (local.get $bn) (local.get $n))))
            (v128.store
              (i32.add (local.get $out)
                (i32.shl
                  (i32.add
                    (i32.mul
                      (i32.add
                        (i32.mul (i32.add (i32.mul (local.get $a) (local.get $kw)) (local.get $b))
                                 (local.get $ci))
                        (local.get $c))
                      (local.get $co))
                    (local.get $g))
                  (i32.const 2)))
              (local.get $total))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br_if $lc (i32.lt_u (local.get $c) (local.get $ci))))
          (local.set $b (i32.add (local.get $b) (i32.const 1)))
          (br_if $lb (i32.lt_u (local.get $b) (local.get $kw))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br_if $la (i32.lt_u (local.get $a) (local.get $kh))))
      (local.set $g (i32.add (local.get $g) (i32.const 4)))
      (br_if $lg (i32.lt_s (local.get $g) (local.get $co)))))
  ;; The same filter gradient for convs on several input channels (ci a multiple of 4, co a
  ;; multiple of 8), register-blocked: a tile of 4 input x 8 output channels keeps its 32 sums
  ;; in 8 registers along one image row, then adds them to `out` (which must be zeroed). Row by
  ;; row, the rows of x and dy in use stay in the L1 cache for every tile and kernel offset;
  ;; x and dy are read in their own layouts (no im2col, no transposes, no repacking).
  (func (export "convFilterGradTiled")
    (param $x i32) (param $dy i32) (param $out i32)
    (param $n i32) (param $hp i32) (param $wp i32) (param $ci i32)
    (param $ho i32) (param $wo i32) (param $co i32) (param $kh i32) (param $kw i32)
    (local $a i32) (local $b i32) (local $c i32) (local $o i32) (local $bn i32) (local $i i32)
    (local $j i32) (local $xp i32) (local $dp i32) (local $xs i32) (local $ds i32) (local $op i32)
    (local $xrow i32) (local $drow i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $d0 v128) (local $d1 v128) (local $s v128)
    (local.set $xs (i32.shl (local.get $ci) (i32.const 2)))
    (local.set $ds (i32.shl (local.get $co) (i32.const 2)))
    (local.set $bn (i32.const 0))
    (loop $ln
      (local.set $i (i32.const 0))
      (loop $li
        ;; dy[bn, i, 0, 0]
        (local.set $drow
          (i32.add (local.get $dy)
            (i32.mul
              (i32.mul (i32.add (i32.mul (local.get $bn) (local.get $ho)) (local.get $i)) (local.get $wo))
              (local.get $ds))))
        (local.set $a (i32.const 0))
        (loop $la
          (local.set $b (i32.const 0))
          (loop $lb
            ;; x[bn, i + a, b, 0]
            (local.set $xrow
              (i32.add (local.get $x)
                (i32.mul
                  (i32.add
                    (i32.mul
                      (i32.add (i32.mul (local.get $bn) (local.get $hp)) (i32.add (local.get $i) (local.get $a)))
                      (local.get $wp))
                    (local.get $b))
                  (local.get $xs))))
            (local.set $c (i32.const 0))
            (loop $lc
              (local.set $o (i32.const 0))
              (loop $lo
                ;; out[a, b, c, o]
                (local.set $op
                  (i32.add (local.get $out)
                    (i32.shl
                      (i32.add
                        (i32.mul
                          (i32.add
                            (i32.mul (i32.add (i32.mul (local.get $a) (local.get $kw)) (local.get $b))
                                     (local.get $ci))
                            (local.get $c))
                          (local.get $co))
                        (local.get $o))
                      (i32.const 2))))
                (local.set $a0 (v128.load (i32.add (local.get $op) (i32.mul (i32.const 0) (local.get $ds)))))
                (local.set $a1 (v128.load offset=16 (i32.add (local.get $op) (i32.mul (i32.const 0) (local.get $ds)))))
                (local.set $a2 (v128.load (i32.add (local.get $op) (i32.mul (i32.const 1) (local.get $ds)))))
                (local.set $a3 (v128.load offset=16 (i32.add (local.get $op) (i32.mul (i32.const 1) (local.get $ds)))))
                (local.set $a4 (v128.load (i32.add (local.get $op) (i32.mul (i32.const 2) (local.get $ds)))))
                (local.set $a5 (v128.load offset=16 (i32.add (local.get $op) (i32.mul (i32.const 2) (local.get $ds)))))
                (local.set $a6 (v128.load (i32.add (local.get $op) (i32.mul (i32.const 3) (local.get $ds)))))
                (local.set $a7 (v128.load offset=16 (i32.add (local.get $op) (i32.mul (i32.const 3) (local.get $ds)))))
                (local.set $xp (i32.add (local.get $xrow) (i32.shl (local.get $c) (i32.const 2))))
                (local.set $dp (i32.add (local.get $drow) (i32.shl (local.get $o) (i32.const 2))))
                (local.set $j (local.get $wo))
                (loop $lj
                  (local.set $d0 (v128.load (local.get $dp)))
                  (local.set $d1 (v128.load offset=16 (local.get $dp)))
                    (local.set $s (v128.load32_splat (local.get $xp)))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (local.get $d0))))
                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (local.get $d1))))
                    (local.set $s (v128.load32_splat offset=4 (local.get $xp)))
                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $s) (local.get $d0))))
                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $s) (local.get $d1))))
                    (local.set $s (v128.load32_splat offset=8 (local.get $xp)))
                    (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $s) (local.get $d0))))
                    (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $s) (local.get $d1))))
                    (local.set $s (v128.load32_splat offset=12 (local.get $xp)))
                    (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $s) (local.get $d0))))
                    (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $s) (local.get $d1))))
                  (local.set $xp (i32.add (local.get $xp) (local.get $xs)))
                  (local.set $dp (i32.add (local.get $dp) (local.get $ds)))
                  (local.set $j (i32.sub (local.get $j) (i32.const 1)))
                  (br_if $lj (local.get $j)))
                (v128.store (i32.add (local.get $op) (i32.mul (i32.const 0) (local.get $ds))) (local.get $a0))
                (v128.store offset=16 (i32.add (local.get $op) (i32.mul (i32.const 0) (local.get $ds))) (local.get $a1))
                (v128.store (i32.add (local.get $op) (i32.mul (i32.const 1) (local.get $ds))) (local.get $a2))
                (v128.store offset=16 (i32.add (local.get $op) (i32.mul (i32.const 1) (local.get $ds))) (local.get $a3))
                (v128.store (i32.add (local.get $op) (i32.mul (i32.const 2) (local.get $ds))) (local.get $a4))
                (v128.store offset=16 (i32.add (local.get $op) (i32.mul (i32.const 2) (local.get $ds))) (local.get $a5))
                (v128.store (i32.add (local.get $op) (i32.mul (i32.const 3) (local.get $ds))) (local.get $a6))
                (v128.store offset=16 (i32.add (local.get $op) (i32.mul (i32.const 3) (local.get $ds))) (local.get $a7))
                (local.set $o (i32.add (local.get $o) (i32.const 8)))
                (br_if $lo (i32.lt_u (local.get $o) (local.get $co))))
              (local.set $c (i32.add (local.get $c) (i32.const 4)))
              (br_if $lc (i32.lt_u (local.get $c) (local.get $ci))))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br_if $lb (i32.lt_u (local.get $b) (local.get $kw))))
          (local.set $a (i32.add (local.get $a) (i32.const 1)))
          (br_if $la (i32.lt_u (local.get $a) (local.get $kh))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $li (i32.lt_u (local.get $i) (local.get $ho))))
      (local.set $bn (i32.add (local.get $bn) (i32.const 1)))
      (br_if $ln (i32.lt_u (local.get $bn) (local.get $n)))))
)
