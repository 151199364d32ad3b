;; C[b] = A[b] x B[b] for every batch entry b: A is m x k, B is k x n, C is m x n, all row-major
;; float32, n a multiple of 4 (the caller pads). One row of C at a time, accumulated in memory four
;; columns per SIMD instruction; each entry sums its k products in order, like the plain loop.
;; Pointers are byte offsets into this module's memory. Compiled to batch-matmul.wasm.ts by
;; `UPDATE_WASM=1 npx vitest run tests/unit/wasm-kernels.test.ts`.
(module
  (memory (export "memory") 1)
  (func (export "batchMatMul")
    (param $a i32) (param $b i32) (param $c i32) (param $batch i32) (param $m i32) (param $k i32) (param $n i32)
    (local $bi i32) (local $i i32) (local $p i32) (local $j i32) (local $rowBytes i32)
    (local $aPtr i32) (local $bPtr i32) (local $bBatch i32) (local $cRow i32) (local $cPtr i32) (local $av v128)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (block $doneBatch (loop $batchLoop
      (br_if $doneBatch (i32.ge_u (local.get $bi) (local.get $batch)))
      (local.set $bBatch (i32.add (local.get $b) (i32.mul (i32.mul (local.get $bi) (local.get $k)) (local.get $rowBytes))))
      (local.set $i (i32.const 0))
      (block $doneRows (loop $rowLoop
        (br_if $doneRows (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $cRow (i32.add (local.get $c)
          (i32.mul (i32.add (i32.mul (local.get $bi) (local.get $m)) (local.get $i)) (local.get $rowBytes))))
        (local.set $j (i32.const 0))
        (block $doneZero (loop $zeroLoop
          (br_if $doneZero (i32.ge_u (local.get $j) (local.get $rowBytes)))
          (v128.store (i32.add (local.get $cRow) (local.get $j)) (v128.const i32x4 0 0 0 0))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $zeroLoop)))
        (local.set $aPtr (i32.add (local.get $a)
          (i32.shl (i32.mul (i32.add (i32.mul (local.get $bi) (local.get $m)) (local.get $i)) (local.get $k)) (i32.const 2))))
        (local.set $bPtr (local.get $bBatch))
        (local.set $p (i32.const 0))
        (block $doneInner (loop $innerLoop
          (br_if $doneInner (i32.ge_u (local.get $p) (local.get $k)))
          (local.set $av (f32x4.splat (f32.load (local.get $aPtr))))
          (local.set $j (i32.const 0))
          (block $doneCols (loop $colLoop
            (br_if $doneCols (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (local.set $cPtr (i32.add (local.get $cRow) (local.get $j)))
            (v128.store (local.get $cPtr)
              (f32x4.add (v128.load (local.get $cPtr))
                (f32x4.mul (local.get $av) (v128.load (i32.add (local.get $bPtr) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $colLoop)))
          (local.set $aPtr (i32.add (local.get $aPtr) (i32.const 4)))
          (local.set $bPtr (i32.add (local.get $bPtr) (local.get $rowBytes)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $innerLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowLoop)))
      (local.set $bi (i32.add (local.get $bi) (i32.const 1)))
      (br $batchLoop)))))
