;; Kernels tfjs-backend-wasm runs slowly on a transformer's shapes, in WebAssembly SIMD. Pointers
;; are byte offsets into this module's memory (the caller copies operands in and results out).
;; Compiled to kernels.wasm.ts by `UPDATE_WASM=1 npx vitest run tests/unit/wasm-kernels.test.ts`.
;;
;; batchMatMul: C[b] = A[b] x B[b] for every batch entry b: A is m x k, B is k x n, C is m x n, all row-major
;; float32, n a multiple of 8 (the caller pads). C is computed in tiles of 4 rows x 8 columns held in
;; eight SIMD registers (then single rows for the last m mod 4), so each loaded value of A and B
;; serves several products and nothing goes back to memory until the tile is done. Each entry sums
;; its k products in order, like the plain loop.
;;
;; transpose: `count` row-major rows x cols matrices at `from`, each written transposed at `to` with
;; its rows `stride` floats apart (matrix t at to + t * cols * stride). Columns past `rows` in each
;; row are left as they were (the caller zeroes padding it needs).
;;
;; copyRows: `rows` rows of `width` floats from `from` (rows `fromStride` floats apart) to `to` (rows
;; `toStride` floats apart): padding rows to a multiple of 8 columns and compacting them again.
;;
;; columnSum: out[j] = x[0][j] + x[1][j] + ... for a rows x width matrix (width a multiple of 4),
;; adding rows in order as tfjs's own reduction does (it transposes first; this reads rows as they
;; lie), so the sums are identical.
(module
  (memory (export "memory") 1)
  (func (export "batchMatMul")
    (param $a i32) (param $b i32) (param $c i32) (param $batch i32) (param $m i32) (param $k i32) (param $n i32)
    (local $bi i32) (local $i i32) (local $j i32) (local $p i32) (local $rows4 i32)
    (local $rowBytes i32) (local $aRowBytes i32)
    (local $aBatch i32) (local $bBatch i32) (local $cBatch i32) (local $ap i32) (local $bp i32) (local $cp i32)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $aRowBytes (i32.shl (local.get $k) (i32.const 2)))
    (local.set $rows4 (i32.and (local.get $m) (i32.const -4)))
    (block $doneBatch (loop $batchLoop
      (br_if $doneBatch (i32.ge_u (local.get $bi) (local.get $batch)))
      (local.set $aBatch (i32.add (local.get $a) (i32.mul (i32.mul (local.get $bi) (local.get $m)) (local.get $aRowBytes))))
      (local.set $bBatch (i32.add (local.get $b) (i32.mul (i32.mul (local.get $bi) (local.get $k)) (local.get $rowBytes))))
      (local.set $cBatch (i32.add (local.get $c) (i32.mul (i32.mul (local.get $bi) (local.get $m)) (local.get $rowBytes))))
      ;; Tiles of four rows.
      (local.set $i (i32.const 0))
      (block $doneRows4 (loop $rows4Loop
        (br_if $doneRows4 (i32.ge_u (local.get $i) (local.get $rows4)))
        (local.set $j (i32.const 0))
        (block $doneCols4 (loop $cols4Loop
          (br_if $doneCols4 (i32.ge_u (local.get $j) (local.get $rowBytes)))
          (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
          (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
          (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
          (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
          (local.set $ap (i32.add (local.get $aBatch) (i32.mul (local.get $i) (local.get $aRowBytes))))
          (local.set $bp (i32.add (local.get $bBatch) (local.get $j)))
          (local.set $p (i32.const 0))
          (block $doneInner4 (loop $inner4Loop
            (br_if $doneInner4 (i32.ge_u (local.get $p) (local.get $k)))
            (local.set $b0 (v128.load (local.get $bp)))
            (local.set $b1 (v128.load offset=16 (local.get $bp)))
            (local.set $s (f32x4.splat (f32.load (local.get $ap))))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $s (f32x4.splat (f32.load (i32.add (local.get $ap) (local.get $aRowBytes)))))
            (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $s (f32x4.splat (f32.load (i32.add (local.get $ap) (i32.shl (local.get $aRowBytes) (i32.const 1))))))
            (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $s (f32x4.splat (f32.load (i32.add (local.get $ap) (i32.mul (local.get $aRowBytes) (i32.const 3))))))
            (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
            (local.set $bp (i32.add (local.get $bp) (local.get $rowBytes)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $inner4Loop)))
          (local.set $cp (i32.add (local.get $cBatch) (i32.add (i32.mul (local.get $i) (local.get $rowBytes)) (local.get $j))))
          (v128.store (local.get $cp) (local.get $c00))
          (v128.store offset=16 (local.get $cp) (local.get $c01))
          (local.set $cp (i32.add (local.get $cp) (local.get $rowBytes)))
          (v128.store (local.get $cp) (local.get $c10))
          (v128.store offset=16 (local.get $cp) (local.get $c11))
          (local.set $cp (i32.add (local.get $cp) (local.get $rowBytes)))
          (v128.store (local.get $cp) (local.get $c20))
          (v128.store offset=16 (local.get $cp) (local.get $c21))
          (local.set $cp (i32.add (local.get $cp) (local.get $rowBytes)))
          (v128.store (local.get $cp) (local.get $c30))
          (v128.store offset=16 (local.get $cp) (local.get $c31))
          (local.set $j (i32.add (local.get $j) (i32.const 32)))
          (br $cols4Loop)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows4Loop)))
      ;; The last m mod 4 rows, one at a time.
      (block $doneRows1 (loop $rows1Loop
        (br_if $doneRows1 (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $j (i32.const 0))
        (block $doneCols1 (loop $cols1Loop
          (br_if $doneCols1 (i32.ge_u (local.get $j) (local.get $rowBytes)))
          (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
          (local.set $ap (i32.add (local.get $aBatch) (i32.mul (local.get $i) (local.get $aRowBytes))))
          (local.set $bp (i32.add (local.get $bBatch) (local.get $j)))
          (local.set $p (i32.const 0))
          (block $doneInner1 (loop $inner1Loop
            (br_if $doneInner1 (i32.ge_u (local.get $p) (local.get $k)))
            (local.set $s (f32x4.splat (f32.load (local.get $ap))))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (v128.load (local.get $bp)))))
            (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $bp)))))
            (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
            (local.set $bp (i32.add (local.get $bp) (local.get $rowBytes)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $inner1Loop)))
          (local.set $cp (i32.add (local.get $cBatch) (i32.add (i32.mul (local.get $i) (local.get $rowBytes)) (local.get $j))))
          (v128.store (local.get $cp) (local.get $c00))
          (v128.store offset=16 (local.get $cp) (local.get $c01))
          (local.set $j (i32.add (local.get $j) (i32.const 32)))
          (br $cols1Loop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows1Loop)))
      (local.set $bi (i32.add (local.get $bi) (i32.const 1)))
      (br $batchLoop))))
  (func (export "columnSum") (param $x i32) (param $out i32) (param $rows i32) (param $width i32)
    (local $r i32) (local $j i32) (local $rowBytes i32) (local $row i32) (local $o i32)
    (local.set $rowBytes (i32.shl (local.get $width) (i32.const 2)))
    (memory.copy (local.get $out) (local.get $x) (local.get $rowBytes))
    (local.set $r (i32.const 1))
    (local.set $row (i32.add (local.get $x) (local.get $rowBytes)))
    (block $doneRows (loop $rowLoop
      (br_if $doneRows (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $j (i32.const 0))
      (block $doneCols (loop $colLoop
        (br_if $doneCols (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $o (i32.add (local.get $out) (local.get $j)))
        (v128.store (local.get $o) (f32x4.add (v128.load (local.get $o)) (v128.load (i32.add (local.get $row) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $colLoop)))
      (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop))))
  (func (export "transpose") (param $from i32) (param $to i32) (param $count i32) (param $rows i32) (param $cols i32) (param $stride i32)
    (local $t i32) (local $r i32) (local $c i32) (local $src i32) (local $dst i32) (local $strideBytes i32) (local $matrixBytes i32)
    (local.set $strideBytes (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $matrixBytes (i32.mul (local.get $cols) (local.get $strideBytes)))
    (local.set $src (local.get $from))
    (block $doneT (loop $tLoop
      (br_if $doneT (i32.ge_u (local.get $t) (local.get $count)))
      (local.set $r (i32.const 0))
      (block $doneR (loop $rLoop
        (br_if $doneR (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $dst (i32.add (i32.add (local.get $to) (i32.mul (local.get $t) (local.get $matrixBytes))) (i32.shl (local.get $r) (i32.const 2))))
        (local.set $c (i32.const 0))
        (block $doneC (loop $cLoop
          (br_if $doneC (i32.ge_u (local.get $c) (local.get $cols)))
          (f32.store (local.get $dst) (f32.load (local.get $src)))
          (local.set $src (i32.add (local.get $src) (i32.const 4)))
          (local.set $dst (i32.add (local.get $dst) (local.get $strideBytes)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $cLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rLoop)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tLoop))))
  (func (export "copyRows") (param $from i32) (param $to i32) (param $rows i32) (param $width i32) (param $fromStride i32) (param $toStride i32)
    (local $r i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $width) (i32.const 2)))
    (local.set $fromStride (i32.shl (local.get $fromStride) (i32.const 2)))
    (local.set $toStride (i32.shl (local.get $toStride) (i32.const 2)))
    (block $done (loop $rowLoop
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (memory.copy (local.get $to) (local.get $from) (local.get $bytes))
      (local.set $from (i32.add (local.get $from) (local.get $fromStride)))
      (local.set $to (i32.add (local.get $to) (local.get $toStride)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop))))
)
