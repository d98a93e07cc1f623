(module
 (type $0 (func (param i32 i32 f32 i32)))
 (type $1 (func (param i32 i32 i32 i32 i32)))
 (type $2 (func (result i32)))
 (type $3 (func (param i32) (result i32)))
 (import "env" "memory" (memory $0 16 32768 shared))
 (export "kernelAbiVersion" (func $core-wasm/assembly/index/kernelAbiVersion))
 (export "decide" (func $core-wasm/assembly/index/decide))
 (export "memory" (memory $0))
 (func $core-wasm/assembly/heap/siftDown (param $0 i32) (param $1 i32) (param $2 f32) (param $3 i32)
  (local $4 i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 f32)
  (local $8 i32)
  (local $9 f32)
  (local $10 i32)
  loop $while-continue|0
   block $while-break|0
    local.get $5
    i32.const 1
    i32.shl
    i32.const 1
    i32.add
    local.tee $6
    local.get $1
    i32.ge_u
    br_if $while-break|0
    local.get $0
    local.get $6
    i32.const 3
    i32.shl
    i32.add
    local.tee $4
    f32.load
    local.set $7
    local.get $4
    i32.load offset=4
    local.set $8
    local.get $6
    i32.const 1
    i32.add
    local.tee $10
    local.get $1
    i32.lt_u
    if (result i32)
     local.get $0
     local.get $10
     i32.const 3
     i32.shl
     i32.add
     local.tee $4
     f32.load
     local.set $9
     local.get $4
     i32.load offset=4
     local.tee $4
     local.get $8
     i32.gt_u
     local.get $7
     local.get $9
     f32.eq
     i32.and
     local.get $7
     local.get $9
     f32.gt
     i32.or
     if (result i32)
      local.get $9
      local.set $7
      local.get $4
      local.set $8
      local.get $10
     else
      local.get $6
     end
    else
     local.get $6
    end
    local.get $3
    local.get $8
    i32.lt_u
    local.get $2
    local.get $7
    f32.eq
    i32.and
    local.get $2
    local.get $7
    f32.gt
    i32.or
    i32.eqz
    br_if $while-break|0
    local.get $0
    local.get $5
    i32.const 3
    i32.shl
    i32.add
    local.tee $5
    local.get $7
    f32.store
    local.get $5
    local.get $8
    i32.store offset=4
    local.set $5
    br $while-continue|0
   end
  end
  local.get $0
  local.get $5
  i32.const 3
  i32.shl
  i32.add
  local.tee $0
  local.get $2
  f32.store
  local.get $0
  local.get $3
  i32.store offset=4
 )
 (func $core-wasm/assembly/heap/heapDrain (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32)
  (local $5 f32)
  (local $6 i32)
  loop $while-continue|0
   local.get $1
   if
    local.get $1
    i32.const 1
    i32.sub
    local.set $1
    local.get $0
    f32.load
    local.set $5
    local.get $0
    i32.load offset=4
    local.set $6
    local.get $4
    if
     local.get $2
     local.get $1
     i32.const 2
     i32.shl
     i32.add
     local.get $6
     i32.const 3
     i32.shr_u
     i32.store
     local.get $1
     local.get $4
     i32.add
     local.get $6
     i32.const 7
     i32.and
     i32.store8
    else
     local.get $2
     local.get $1
     i32.const 2
     i32.shl
     i32.add
     local.get $6
     i32.store
    end
    local.get $3
    local.get $1
    i32.const 2
    i32.shl
    i32.add
    local.get $5
    f32.store
    local.get $1
    if
     local.get $0
     local.get $1
     local.get $0
     local.get $1
     i32.const 3
     i32.shl
     i32.add
     local.tee $6
     f32.load
     local.get $6
     i32.load offset=4
     call $core-wasm/assembly/heap/siftDown
    end
    br $while-continue|0
   end
  end
 )
 (func $core-wasm/assembly/index/kernelAbiVersion (result i32)
  i32.const 1
 )
 (func $core-wasm/assembly/index/decide (param $0 i32) (result i32)
  (local $1 i32)
  (local $2 i32)
  (local $3 i32)
  (local $4 i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 i32)
  (local $9 i32)
  (local $10 i32)
  (local $11 f32)
  (local $12 i32)
  (local $13 i32)
  (local $14 i32)
  (local $15 v128)
  (local $16 i32)
  (local $17 i32)
  (local $18 v128)
  (local $19 i32)
  (local $20 i32)
  (local $21 v128)
  (local $22 v128)
  (local $23 i32)
  (local $24 i32)
  (local $25 i32)
  (local $26 i32)
  (local $27 i32)
  (local $28 i32)
  (local $29 i32)
  (local $30 i32)
  (local $31 i32)
  (local $32 i32)
  (local $33 i32)
  (local $34 f32)
  (local $35 f32)
  (local $36 f32)
  (local $37 f32)
  (local $38 f32)
  (local $39 f32)
  (local $40 f32)
  (local $41 i32)
  (local $42 i32)
  (local $43 i32)
  (local $44 i32)
  (local $45 i32)
  (local $46 i32)
  (local $47 i32)
  (local $48 i32)
  (local $49 i32)
  (local $50 i32)
  (local $51 i32)
  (local $52 i32)
  (local $53 f32)
  (local $54 i32)
  (local $55 i32)
  (local $56 v128)
  (local $57 f32)
  (local $58 f32)
  (local $59 i32)
  local.get $0
  i32.load
  local.tee $2
  i32.load offset=4
  local.set $25
  local.get $2
  i32.load offset=12
  local.set $28
  local.get $2
  i32.load offset=16
  local.set $19
  local.get $2
  i32.load offset=20
  local.set $29
  local.get $2
  i32.load offset=24
  local.set $30
  local.get $2
  i32.load offset=28
  local.set $31
  local.get $2
  i32.load offset=32
  local.set $24
  local.get $2
  i32.load offset=36
  local.set $44
  local.get $2
  i32.load offset=40
  local.set $45
  local.get $2
  i32.load offset=44
  local.set $46
  local.get $2
  i32.load offset=48
  local.set $32
  local.get $0
  i32.load offset=4
  local.set $47
  local.get $0
  i32.load offset=20
  i32.const 0
  i32.ne
  local.set $43
  local.get $0
  i32.load offset=24
  local.set $33
  local.get $0
  i32.load offset=28
  local.set $48
  local.get $0
  i32.load offset=36
  local.set $8
  local.get $0
  f32.load offset=40
  local.set $53
  local.get $0
  f32.load offset=44
  local.set $11
  local.get $0
  f32.load offset=48
  local.set $34
  local.get $0
  f32.load offset=52
  local.set $35
  local.get $0
  f32.load offset=56
  local.set $36
  local.get $0
  f32.load offset=60
  local.set $37
  local.get $0
  f32.load offset=64
  local.set $38
  local.get $0
  f32.load offset=68
  local.set $39
  f32.const 1
  local.get $0
  f32.load offset=72
  f32.sub
  local.set $40
  local.get $0
  i32.load offset=76
  local.set $49
  local.get $0
  i32.load offset=100
  local.set $50
  local.get $0
  i32.load offset=88
  local.set $41
  local.get $0
  i32.load offset=108
  local.set $51
  local.get $0
  i32.load offset=112
  local.set $52
  local.get $0
  i32.load offset=136
  local.set $42
  local.get $0
  i32.load offset=140
  local.set $26
  local.get $0
  i32.load offset=144
  local.tee $13
  i32.const 1000
  local.get $0
  i32.load offset=16
  local.tee $9
  local.get $9
  i32.const 1000
  i32.ge_u
  select
  local.tee $16
  i32.const 3
  i32.shl
  i32.add
  local.set $54
  local.get $2
  i32.load offset=8
  local.tee $2
  i32.const 2
  i32.shl
  local.set $20
  local.get $2
  i32.const 2
  i32.shr_u
  i32.const 4
  i32.shl
  local.set $27
  local.get $0
  i32.load offset=32
  i32.const 0
  i32.ne
  local.tee $23
  if
   local.get $0
   i32.load offset=80
   local.set $2
   local.get $0
   i32.load offset=84
   local.set $9
   loop $for-loop|0
    local.get $3
    local.get $27
    i32.lt_u
    if
     local.get $3
     local.get $26
     i32.add
     local.get $2
     local.get $3
     i32.add
     v128.load
     local.get $3
     local.get $9
     i32.add
     v128.load
     f32x4.mul
     v128.store
     local.get $3
     i32.const 16
     i32.add
     local.set $3
     br $for-loop|0
    end
   end
  end
  local.get $0
  i32.load offset=104
  local.set $2
  i32.const 0
  local.set $3
  loop $for-loop|00
   local.get $3
   local.get $49
   i32.lt_u
   if
    local.get $50
    local.get $3
    i32.const 2
    i32.shl
    i32.add
    i32.load
    local.tee $9
    local.get $25
    i32.lt_u
    if
     local.get $9
     local.get $42
     i32.add
     local.tee $9
     i32.load8_u
     i32.eqz
     if
      local.get $9
      local.get $2
      local.get $3
      i32.add
      i32.load8_u
      i32.store8
     end
    end
    local.get $3
    i32.const 1
    i32.add
    local.set $3
    br $for-loop|00
   end
  end
  i32.const 0
  local.set $3
  local.get $47
  i32.const 1
  i32.eq
  if
   local.get $0
   i32.load offset=12
   local.tee $1
   local.get $25
   local.get $1
   local.get $25
   i32.lt_u
   select
   local.set $55
   local.get $0
   i32.load offset=8
   local.set $17
   loop $for-loop|01
    local.get $17
    local.get $55
    i32.lt_u
    if
     block $core-wasm/assembly/constraints/checkItem|inlined.0
      local.get $8
      local.tee $1
      br_if $core-wasm/assembly/constraints/checkItem|inlined.0
      i32.const 5
      local.set $1
      local.get $17
      local.get $46
      i32.add
      i32.load8_u
      local.get $48
      i32.shr_u
      i32.const 1
      i32.and
      i32.eqz
      br_if $core-wasm/assembly/constraints/checkItem|inlined.0
      i32.const 1
      local.set $1
      local.get $44
      local.get $17
      i32.const 2
      i32.shl
      i32.add
      i32.load
      i32.const 0
      i32.le_s
      br_if $core-wasm/assembly/constraints/checkItem|inlined.0
      local.get $28
      local.get $33
      i32.gt_u
      if (result i32)
       local.get $45
       local.get $17
       local.get $28
       i32.mul
       local.get $33
       i32.add
       i32.const 1
       i32.shl
       i32.add
       i32.load16_u
      else
       i32.const 1
      end
      i32.eqz
      br_if $core-wasm/assembly/constraints/checkItem|inlined.0
      i32.const 2
      local.set $1
      local.get $24
      local.get $17
      i32.const 2
      i32.shl
      i32.add
      f32.load
      local.get $53
      f32.lt
      br_if $core-wasm/assembly/constraints/checkItem|inlined.0
      local.get $17
      local.get $42
      i32.add
      i32.load8_u
      local.set $1
     end
     block $for-continue|02
      local.get $43
      i32.const 1
      local.get $1
      select
      i32.eqz
      br_if $for-continue|02
      local.get $1
      i32.const 7
      i32.and
      local.get $17
      i32.const 3
      i32.shl
      i32.or
      local.set $1
      local.get $14
      i32.const 3
      i32.lt_u
      if
       local.get $14
       if
        local.get $14
        i32.const 1
        i32.eq
        if
         local.get $1
         local.set $6
        else
         local.get $1
         local.set $7
        end
       else
        local.get $1
        local.set $4
       end
       local.get $14
       i32.const 1
       i32.add
       local.set $14
       br $for-continue|02
      end
      local.get $23
      if (result v128)
       local.get $19
       local.get $20
       local.get $4
       i32.const 3
       i32.shr_u
       i32.mul
       i32.add
       local.set $2
       local.get $19
       local.get $20
       local.get $6
       i32.const 3
       i32.shr_u
       i32.mul
       i32.add
       local.set $9
       local.get $19
       local.get $20
       local.get $7
       i32.const 3
       i32.shr_u
       i32.mul
       i32.add
       local.set $10
       local.get $19
       local.get $17
       local.get $20
       i32.mul
       i32.add
       local.set $14
       v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
       local.set $15
       v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
       local.set $18
       v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
       local.set $21
       v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
       local.set $22
       i32.const 0
       local.set $12
       loop $for-loop|1
        local.get $12
        local.get $27
        i32.lt_u
        if
         local.get $15
         local.get $12
         local.get $26
         i32.add
         v128.load
         local.tee $56
         local.get $2
         local.get $12
         i32.add
         v128.load
         f32x4.mul
         f32x4.add
         local.set $15
         local.get $18
         local.get $56
         local.get $9
         local.get $12
         i32.add
         v128.load
         f32x4.mul
         f32x4.add
         local.set $18
         local.get $21
         local.get $56
         local.get $10
         local.get $12
         i32.add
         v128.load
         f32x4.mul
         f32x4.add
         local.set $21
         local.get $22
         local.get $56
         local.get $12
         local.get $14
         i32.add
         v128.load
         f32x4.mul
         f32x4.add
         local.set $22
         local.get $12
         i32.const 16
         i32.add
         local.set $12
         br $for-loop|1
        end
       end
       local.get $15
       local.get $18
       i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
       local.get $15
       local.get $18
       i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
       f32x4.add
       local.tee $15
       local.get $21
       local.get $22
       i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
       local.get $21
       local.get $22
       i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
       f32x4.add
       local.tee $18
       i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
       local.get $15
       local.get $18
       i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
       f32x4.add
      else
       v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      end
      local.set $15
      i32.const 0
      local.set $14
      loop $for-loop|2
       local.get $14
       i32.const 4
       i32.lt_u
       if
        local.get $14
        if (result i32)
         local.get $6
         local.get $7
         local.get $1
         local.get $14
         i32.const 2
         i32.eq
         select
         local.get $14
         i32.const 1
         i32.eq
         select
        else
         local.get $4
        end
        local.tee $2
        i32.const 3
        i32.shr_u
        local.set $9
        local.get $14
        if (result f32)
         local.get $14
         i32.const 1
         i32.eq
         if (result f32)
          local.get $15
          f32x4.extract_lane 1
         else
          local.get $15
          f32x4.extract_lane 2
          local.get $15
          f32x4.extract_lane 3
          local.get $14
          i32.const 2
          i32.eq
          select
         end
        else
         local.get $15
         f32x4.extract_lane 0
        end
        local.set $57
        block $core-wasm/assembly/index/itemScore|inlined.0 (result f32)
         local.get $11
         f32.const 0
         f32.mul
         local.get $38
         local.get $9
         i32.const 2
         i32.shl
         local.tee $10
         local.get $30
         i32.add
         f32.load
         f32.mul
         f32.add
         local.get $10
         local.get $32
         i32.add
         f32.load
         f32.add
         local.tee $58
         local.get $23
         i32.eqz
         br_if $core-wasm/assembly/index/itemScore|inlined.0
         drop
         local.get $57
         local.get $34
         local.get $41
         local.get $9
         local.get $29
         i32.add
         i32.load8_u
         i32.const 31
         i32.and
         i32.const 2
         i32.shl
         i32.add
         f32.load
         f32.mul
         f32.add
         local.get $35
         f32.const 1
         local.get $10
         local.get $31
         i32.add
         f32.load
         local.get $39
         f32.sub
         f32.abs
         local.get $36
         f32.mul
         f32.const 1
         f32.add
         f32.div
         f32.mul
         f32.add
         local.get $37
         local.get $10
         local.get $24
         i32.add
         f32.load
         f32.mul
         local.get $40
         f32.mul
         f32.add
         local.get $58
         f32.add
        end
        local.set $57
        local.get $2
        i32.const 7
        i32.and
        if
         block $core-wasm/assembly/heap/heapOffer|inlined.1
          local.get $5
          local.get $16
          i32.lt_u
          if
           local.get $2
           local.set $10
           local.get $5
           local.set $2
           loop $while-continue|0
            local.get $2
            if
             block $while-break|0
              local.get $54
              local.get $2
              i32.const 1
              i32.sub
              i32.const 1
              i32.shr_u
              local.tee $9
              i32.const 3
              i32.shl
              i32.add
              local.tee $12
              f32.load
              local.set $58
              local.get $12
              i32.load offset=4
              local.tee $12
              local.get $10
              i32.lt_u
              local.get $57
              local.get $58
              f32.eq
              i32.and
              local.get $57
              local.get $58
              f32.lt
              i32.or
              i32.eqz
              br_if $while-break|0
              local.get $54
              local.get $2
              i32.const 3
              i32.shl
              i32.add
              local.tee $2
              local.get $58
              f32.store
              local.get $2
              local.get $12
              i32.store offset=4
              local.get $9
              local.set $2
              br $while-continue|0
             end
            end
           end
           local.get $54
           local.get $2
           i32.const 3
           i32.shl
           i32.add
           local.tee $2
           local.get $57
           f32.store
           local.get $2
           local.get $10
           i32.store offset=4
           local.get $5
           i32.const 1
           i32.add
           local.set $5
           br $core-wasm/assembly/heap/heapOffer|inlined.1
          end
          local.get $16
          if (result i32)
           local.get $2
           local.get $54
           i32.load offset=4
           i32.lt_u
           local.get $54
           f32.load
           local.tee $58
           local.get $57
           f32.eq
           i32.and
           local.get $57
           local.get $58
           f32.gt
           i32.or
          else
           i32.const 0
          end
          if
           local.get $54
           local.get $16
           local.get $57
           local.get $2
           call $core-wasm/assembly/heap/siftDown
          end
         end
        else
         local.get $2
         i32.const 3
         i32.shr_u
         local.set $10
         block $core-wasm/assembly/heap/heapOffer|inlined.0
          local.get $3
          local.get $16
          i32.lt_u
          if
           local.get $3
           local.set $2
           loop $while-continue|00
            local.get $2
            if
             block $while-break|01
              local.get $13
              local.get $2
              i32.const 1
              i32.sub
              i32.const 1
              i32.shr_u
              local.tee $9
              i32.const 3
              i32.shl
              i32.add
              local.tee $12
              f32.load
              local.set $58
              local.get $12
              i32.load offset=4
              local.tee $12
              local.get $10
              i32.lt_u
              local.get $57
              local.get $58
              f32.eq
              i32.and
              local.get $57
              local.get $58
              f32.lt
              i32.or
              i32.eqz
              br_if $while-break|01
              local.get $13
              local.get $2
              i32.const 3
              i32.shl
              i32.add
              local.tee $2
              local.get $58
              f32.store
              local.get $2
              local.get $12
              i32.store offset=4
              local.get $9
              local.set $2
              br $while-continue|00
             end
            end
           end
           local.get $13
           local.get $2
           i32.const 3
           i32.shl
           i32.add
           local.tee $2
           local.get $57
           f32.store
           local.get $2
           local.get $10
           i32.store offset=4
           local.get $3
           i32.const 1
           i32.add
           local.set $3
           br $core-wasm/assembly/heap/heapOffer|inlined.0
          end
          local.get $16
          if (result i32)
           local.get $10
           local.get $13
           i32.load offset=4
           i32.lt_u
           local.get $13
           f32.load
           local.tee $58
           local.get $57
           f32.eq
           i32.and
           local.get $57
           local.get $58
           f32.gt
           i32.or
          else
           i32.const 0
          end
          if
           local.get $13
           local.get $16
           local.get $57
           local.get $10
           call $core-wasm/assembly/heap/siftDown
          end
         end
        end
        local.get $14
        i32.const 1
        i32.add
        local.set $14
        br $for-loop|2
       end
      end
      i32.const 0
      local.set $14
     end
     local.get $17
     i32.const 1
     i32.add
     local.set $17
     br $for-loop|01
    end
   end
   i32.const 0
   local.set $12
   loop $for-loop|3
    local.get $12
    local.get $14
    i32.lt_u
    if
     local.get $6
     local.get $7
     local.get $12
     i32.const 1
     i32.eq
     select
     local.get $4
     local.get $12
     select
     local.tee $8
     i32.const 3
     i32.shr_u
     local.tee $1
     local.set $2
     local.get $23
     if (result f32)
      local.get $19
      local.get $1
      local.get $20
      i32.mul
      i32.add
      local.set $9
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      local.set $15
      i32.const 0
      local.set $1
      loop $for-loop|4
       local.get $1
       local.get $27
       i32.lt_u
       if
        local.get $15
        local.get $1
        local.get $26
        i32.add
        v128.load
        local.get $1
        local.get $9
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $15
        local.get $1
        i32.const 16
        i32.add
        local.set $1
        br $for-loop|4
       end
      end
      local.get $15
      f32x4.extract_lane 0
      local.get $15
      f32x4.extract_lane 1
      f32.add
      local.get $15
      f32x4.extract_lane 2
      local.get $15
      f32x4.extract_lane 3
      f32.add
      f32.add
     else
      f32.const 0
     end
     local.set $53
     block $core-wasm/assembly/index/itemScore|inlined.1 (result f32)
      local.get $11
      f32.const 0
      f32.mul
      local.get $38
      local.get $2
      i32.const 2
      i32.shl
      local.tee $1
      local.get $30
      i32.add
      f32.load
      f32.mul
      f32.add
      local.get $1
      local.get $32
      i32.add
      f32.load
      f32.add
      local.tee $57
      local.get $23
      i32.eqz
      br_if $core-wasm/assembly/index/itemScore|inlined.1
      drop
      local.get $53
      local.get $34
      local.get $41
      local.get $2
      local.get $29
      i32.add
      i32.load8_u
      i32.const 31
      i32.and
      i32.const 2
      i32.shl
      i32.add
      f32.load
      f32.mul
      f32.add
      local.get $35
      f32.const 1
      local.get $1
      local.get $31
      i32.add
      f32.load
      local.get $39
      f32.sub
      f32.abs
      local.get $36
      f32.mul
      f32.const 1
      f32.add
      f32.div
      f32.mul
      f32.add
      local.get $37
      local.get $1
      local.get $24
      i32.add
      f32.load
      f32.mul
      local.get $40
      f32.mul
      f32.add
      local.get $57
      f32.add
     end
     local.set $53
     local.get $8
     i32.const 7
     i32.and
     if
      block $core-wasm/assembly/heap/heapOffer|inlined.3
       local.get $5
       local.get $16
       i32.lt_u
       if
        local.get $5
        local.set $1
        loop $while-continue|02
         local.get $1
         if
          block $while-break|03
           local.get $54
           local.get $1
           i32.const 1
           i32.sub
           i32.const 1
           i32.shr_u
           local.tee $2
           i32.const 3
           i32.shl
           i32.add
           local.tee $9
           f32.load
           local.set $57
           local.get $9
           i32.load offset=4
           local.tee $9
           local.get $8
           i32.lt_u
           local.get $53
           local.get $57
           f32.eq
           i32.and
           local.get $53
           local.get $57
           f32.lt
           i32.or
           i32.eqz
           br_if $while-break|03
           local.get $54
           local.get $1
           i32.const 3
           i32.shl
           i32.add
           local.tee $1
           local.get $57
           f32.store
           local.get $1
           local.get $9
           i32.store offset=4
           local.get $2
           local.set $1
           br $while-continue|02
          end
         end
        end
        local.get $54
        local.get $1
        i32.const 3
        i32.shl
        i32.add
        local.tee $1
        local.get $53
        f32.store
        local.get $1
        local.get $8
        i32.store offset=4
        local.get $5
        i32.const 1
        i32.add
        local.set $5
        br $core-wasm/assembly/heap/heapOffer|inlined.3
       end
       local.get $16
       if (result i32)
        local.get $8
        local.get $54
        i32.load offset=4
        i32.lt_u
        local.get $54
        f32.load
        local.tee $57
        local.get $53
        f32.eq
        i32.and
        local.get $53
        local.get $57
        f32.gt
        i32.or
       else
        i32.const 0
       end
       if
        local.get $54
        local.get $16
        local.get $53
        local.get $8
        call $core-wasm/assembly/heap/siftDown
       end
      end
     else
      local.get $8
      i32.const 3
      i32.shr_u
      local.set $8
      block $core-wasm/assembly/heap/heapOffer|inlined.2
       local.get $3
       local.get $16
       i32.lt_u
       if
        local.get $3
        local.set $1
        loop $while-continue|04
         local.get $1
         if
          block $while-break|05
           local.get $13
           local.get $1
           i32.const 1
           i32.sub
           i32.const 1
           i32.shr_u
           local.tee $2
           i32.const 3
           i32.shl
           i32.add
           local.tee $9
           f32.load
           local.set $57
           local.get $9
           i32.load offset=4
           local.tee $9
           local.get $8
           i32.lt_u
           local.get $53
           local.get $57
           f32.eq
           i32.and
           local.get $53
           local.get $57
           f32.lt
           i32.or
           i32.eqz
           br_if $while-break|05
           local.get $13
           local.get $1
           i32.const 3
           i32.shl
           i32.add
           local.tee $1
           local.get $57
           f32.store
           local.get $1
           local.get $9
           i32.store offset=4
           local.get $2
           local.set $1
           br $while-continue|04
          end
         end
        end
        local.get $13
        local.get $1
        i32.const 3
        i32.shl
        i32.add
        local.tee $1
        local.get $53
        f32.store
        local.get $1
        local.get $8
        i32.store offset=4
        local.get $3
        i32.const 1
        i32.add
        local.set $3
        br $core-wasm/assembly/heap/heapOffer|inlined.2
       end
       local.get $16
       if (result i32)
        local.get $8
        local.get $13
        i32.load offset=4
        i32.lt_u
        local.get $13
        f32.load
        local.tee $57
        local.get $53
        f32.eq
        i32.and
        local.get $53
        local.get $57
        f32.gt
        i32.or
       else
        i32.const 0
       end
       if
        local.get $13
        local.get $16
        local.get $53
        local.get $8
        call $core-wasm/assembly/heap/siftDown
       end
      end
     end
     local.get $12
     i32.const 1
     i32.add
     local.set $12
     br $for-loop|3
    end
   end
   local.get $43
   if
    local.get $54
    local.get $5
    local.get $0
    i32.load offset=120
    local.get $0
    i32.load offset=124
    local.get $0
    i32.load offset=128
    call $core-wasm/assembly/heap/heapDrain
   end
  else
   local.get $0
   i32.load offset=8
   local.set $54
   local.get $0
   i32.load offset=92
   local.set $55
   local.get $0
   i32.load offset=96
   local.set $59
   local.get $0
   i32.load offset=116
   local.set $17
   loop $for-loop|5
    local.get $1
    local.get $54
    i32.lt_u
    if
     local.get $25
     local.get $55
     local.get $1
     i32.const 2
     i32.shl
     i32.add
     i32.load
     local.tee $9
     i32.gt_u
     if
      block $core-wasm/assembly/constraints/checkItem|inlined.1
       local.get $8
       local.tee $2
       br_if $core-wasm/assembly/constraints/checkItem|inlined.1
       i32.const 5
       local.set $2
       local.get $9
       local.get $46
       i32.add
       i32.load8_u
       local.get $48
       i32.shr_u
       i32.const 1
       i32.and
       i32.eqz
       br_if $core-wasm/assembly/constraints/checkItem|inlined.1
       i32.const 1
       local.set $2
       local.get $44
       local.get $9
       i32.const 2
       i32.shl
       i32.add
       i32.load
       i32.const 0
       i32.le_s
       br_if $core-wasm/assembly/constraints/checkItem|inlined.1
       local.get $28
       local.get $33
       i32.gt_u
       if (result i32)
        local.get $45
        local.get $9
        local.get $28
        i32.mul
        local.get $33
        i32.add
        i32.const 1
        i32.shl
        i32.add
        i32.load16_u
       else
        i32.const 1
       end
       i32.eqz
       br_if $core-wasm/assembly/constraints/checkItem|inlined.1
       i32.const 2
       local.set $2
       local.get $24
       local.get $9
       i32.const 2
       i32.shl
       i32.add
       f32.load
       local.get $53
       f32.lt
       br_if $core-wasm/assembly/constraints/checkItem|inlined.1
       local.get $9
       local.get $42
       i32.add
       i32.load8_u
       local.set $2
      end
     else
      i32.const 7
      local.set $2
     end
     local.get $1
     local.get $17
     i32.add
     local.get $2
     i32.store8
     block $for-continue|5
      local.get $2
      br_if $for-continue|5
      local.get $14
      i32.const 3
      i32.lt_u
      if
       local.get $14
       if
        local.get $14
        i32.const 1
        i32.eq
        if
         local.get $1
         local.set $6
        else
         local.get $1
         local.set $7
        end
       else
        local.get $1
        local.set $4
       end
       local.get $14
       i32.const 1
       i32.add
       local.set $14
       br $for-continue|5
      end
      local.get $23
      if (result v128)
       local.get $19
       local.get $20
       local.get $55
       local.get $4
       i32.const 2
       i32.shl
       i32.add
       i32.load
       i32.mul
       i32.add
       local.set $2
       local.get $19
       local.get $20
       local.get $55
       local.get $6
       i32.const 2
       i32.shl
       i32.add
       i32.load
       i32.mul
       i32.add
       local.set $10
       local.get $19
       local.get $20
       local.get $55
       local.get $7
       i32.const 2
       i32.shl
       i32.add
       i32.load
       i32.mul
       i32.add
       local.set $14
       local.get $19
       local.get $9
       local.get $20
       i32.mul
       i32.add
       local.set $9
       v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
       local.set $15
       v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
       local.set $18
       v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
       local.set $21
       v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
       local.set $22
       i32.const 0
       local.set $12
       loop $for-loop|6
        local.get $12
        local.get $27
        i32.lt_u
        if
         local.get $15
         local.get $12
         local.get $26
         i32.add
         v128.load
         local.tee $56
         local.get $2
         local.get $12
         i32.add
         v128.load
         f32x4.mul
         f32x4.add
         local.set $15
         local.get $18
         local.get $56
         local.get $10
         local.get $12
         i32.add
         v128.load
         f32x4.mul
         f32x4.add
         local.set $18
         local.get $21
         local.get $56
         local.get $12
         local.get $14
         i32.add
         v128.load
         f32x4.mul
         f32x4.add
         local.set $21
         local.get $22
         local.get $56
         local.get $9
         local.get $12
         i32.add
         v128.load
         f32x4.mul
         f32x4.add
         local.set $22
         local.get $12
         i32.const 16
         i32.add
         local.set $12
         br $for-loop|6
        end
       end
       local.get $15
       local.get $18
       i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
       local.get $15
       local.get $18
       i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
       f32x4.add
       local.tee $15
       local.get $21
       local.get $22
       i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
       local.get $21
       local.get $22
       i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
       f32x4.add
       local.tee $18
       i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
       local.get $15
       local.get $18
       i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
       f32x4.add
      else
       v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      end
      local.set $15
      i32.const 0
      local.set $12
      loop $for-loop|7
       local.get $12
       i32.const 4
       i32.lt_u
       if
        local.get $55
        local.get $12
        if (result i32)
         local.get $6
         local.get $7
         local.get $1
         local.get $12
         i32.const 2
         i32.eq
         select
         local.get $12
         i32.const 1
         i32.eq
         select
        else
         local.get $4
        end
        local.tee $2
        i32.const 2
        i32.shl
        local.tee $9
        i32.add
        i32.load
        local.set $10
        local.get $9
        local.get $59
        i32.add
        f32.load
        local.set $57
        local.get $12
        if (result f32)
         local.get $12
         i32.const 1
         i32.eq
         if (result f32)
          local.get $15
          f32x4.extract_lane 1
         else
          local.get $15
          f32x4.extract_lane 2
          local.get $15
          f32x4.extract_lane 3
          local.get $12
          i32.const 2
          i32.eq
          select
         end
        else
         local.get $15
         f32x4.extract_lane 0
        end
        local.set $58
        block $core-wasm/assembly/index/itemScore|inlined.2 (result f32)
         local.get $11
         local.get $57
         f32.mul
         local.get $38
         local.get $10
         i32.const 2
         i32.shl
         local.tee $9
         local.get $30
         i32.add
         f32.load
         f32.mul
         f32.add
         local.get $9
         local.get $32
         i32.add
         f32.load
         f32.add
         local.tee $57
         local.get $23
         i32.eqz
         br_if $core-wasm/assembly/index/itemScore|inlined.2
         drop
         local.get $58
         local.get $34
         local.get $41
         local.get $10
         local.get $29
         i32.add
         i32.load8_u
         i32.const 31
         i32.and
         i32.const 2
         i32.shl
         i32.add
         f32.load
         f32.mul
         f32.add
         local.get $35
         f32.const 1
         local.get $9
         local.get $31
         i32.add
         f32.load
         local.get $39
         f32.sub
         f32.abs
         local.get $36
         f32.mul
         f32.const 1
         f32.add
         f32.div
         f32.mul
         f32.add
         local.get $37
         local.get $9
         local.get $24
         i32.add
         f32.load
         f32.mul
         local.get $40
         f32.mul
         f32.add
         local.get $57
         f32.add
        end
        local.set $57
        block $core-wasm/assembly/heap/heapOffer|inlined.4
         local.get $3
         local.get $16
         i32.lt_u
         if
          local.get $2
          local.set $10
          local.get $3
          local.set $2
          loop $while-continue|06
           local.get $2
           if
            block $while-break|07
             local.get $13
             local.get $2
             i32.const 1
             i32.sub
             i32.const 1
             i32.shr_u
             local.tee $9
             i32.const 3
             i32.shl
             i32.add
             local.tee $14
             f32.load
             local.set $58
             local.get $14
             i32.load offset=4
             local.tee $14
             local.get $10
             i32.lt_u
             local.get $57
             local.get $58
             f32.eq
             i32.and
             local.get $57
             local.get $58
             f32.lt
             i32.or
             i32.eqz
             br_if $while-break|07
             local.get $13
             local.get $2
             i32.const 3
             i32.shl
             i32.add
             local.tee $2
             local.get $58
             f32.store
             local.get $2
             local.get $14
             i32.store offset=4
             local.get $9
             local.set $2
             br $while-continue|06
            end
           end
          end
          local.get $13
          local.get $2
          i32.const 3
          i32.shl
          i32.add
          local.tee $2
          local.get $57
          f32.store
          local.get $2
          local.get $10
          i32.store offset=4
          local.get $3
          i32.const 1
          i32.add
          local.set $3
          br $core-wasm/assembly/heap/heapOffer|inlined.4
         end
         local.get $16
         if (result i32)
          local.get $2
          local.get $13
          i32.load offset=4
          i32.lt_u
          local.get $13
          f32.load
          local.tee $58
          local.get $57
          f32.eq
          i32.and
          local.get $57
          local.get $58
          f32.gt
          i32.or
         else
          i32.const 0
         end
         if
          local.get $13
          local.get $16
          local.get $57
          local.get $2
          call $core-wasm/assembly/heap/siftDown
         end
        end
        local.get $12
        i32.const 1
        i32.add
        local.set $12
        br $for-loop|7
       end
      end
      i32.const 0
      local.set $14
     end
     local.get $1
     i32.const 1
     i32.add
     local.set $1
     br $for-loop|5
    end
   end
   i32.const 0
   local.set $12
   loop $for-loop|8
    local.get $12
    local.get $14
    i32.lt_u
    if
     local.get $55
     local.get $6
     local.get $7
     local.get $12
     i32.const 1
     i32.eq
     select
     local.get $4
     local.get $12
     select
     local.tee $8
     i32.const 2
     i32.shl
     local.tee $1
     i32.add
     i32.load
     local.set $2
     local.get $1
     local.get $59
     i32.add
     f32.load
     local.set $53
     local.get $23
     if (result f32)
      local.get $19
      local.get $2
      local.get $20
      i32.mul
      i32.add
      local.set $9
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      local.set $15
      i32.const 0
      local.set $1
      loop $for-loop|9
       local.get $1
       local.get $27
       i32.lt_u
       if
        local.get $15
        local.get $1
        local.get $26
        i32.add
        v128.load
        local.get $1
        local.get $9
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $15
        local.get $1
        i32.const 16
        i32.add
        local.set $1
        br $for-loop|9
       end
      end
      local.get $15
      f32x4.extract_lane 0
      local.get $15
      f32x4.extract_lane 1
      f32.add
      local.get $15
      f32x4.extract_lane 2
      local.get $15
      f32x4.extract_lane 3
      f32.add
      f32.add
     else
      f32.const 0
     end
     local.set $57
     block $core-wasm/assembly/index/itemScore|inlined.3 (result f32)
      local.get $11
      local.get $53
      f32.mul
      local.get $38
      local.get $2
      i32.const 2
      i32.shl
      local.tee $1
      local.get $30
      i32.add
      f32.load
      f32.mul
      f32.add
      local.get $1
      local.get $32
      i32.add
      f32.load
      f32.add
      local.tee $53
      local.get $23
      i32.eqz
      br_if $core-wasm/assembly/index/itemScore|inlined.3
      drop
      local.get $57
      local.get $34
      local.get $41
      local.get $2
      local.get $29
      i32.add
      i32.load8_u
      i32.const 31
      i32.and
      i32.const 2
      i32.shl
      i32.add
      f32.load
      f32.mul
      f32.add
      local.get $35
      f32.const 1
      local.get $1
      local.get $31
      i32.add
      f32.load
      local.get $39
      f32.sub
      f32.abs
      local.get $36
      f32.mul
      f32.const 1
      f32.add
      f32.div
      f32.mul
      f32.add
      local.get $37
      local.get $1
      local.get $24
      i32.add
      f32.load
      f32.mul
      local.get $40
      f32.mul
      f32.add
      local.get $53
      f32.add
     end
     local.set $53
     block $core-wasm/assembly/heap/heapOffer|inlined.5
      local.get $3
      local.get $16
      i32.lt_u
      if
       local.get $3
       local.set $1
       loop $while-continue|08
        local.get $1
        if
         block $while-break|09
          local.get $13
          local.get $1
          i32.const 1
          i32.sub
          i32.const 1
          i32.shr_u
          local.tee $2
          i32.const 3
          i32.shl
          i32.add
          local.tee $9
          f32.load
          local.set $57
          local.get $9
          i32.load offset=4
          local.tee $9
          local.get $8
          i32.lt_u
          local.get $53
          local.get $57
          f32.eq
          i32.and
          local.get $53
          local.get $57
          f32.lt
          i32.or
          i32.eqz
          br_if $while-break|09
          local.get $13
          local.get $1
          i32.const 3
          i32.shl
          i32.add
          local.tee $1
          local.get $57
          f32.store
          local.get $1
          local.get $9
          i32.store offset=4
          local.get $2
          local.set $1
          br $while-continue|08
         end
        end
       end
       local.get $13
       local.get $1
       i32.const 3
       i32.shl
       i32.add
       local.tee $1
       local.get $53
       f32.store
       local.get $1
       local.get $8
       i32.store offset=4
       local.get $3
       i32.const 1
       i32.add
       local.set $3
       br $core-wasm/assembly/heap/heapOffer|inlined.5
      end
      local.get $16
      if (result i32)
       local.get $8
       local.get $13
       i32.load offset=4
       i32.lt_u
       local.get $13
       f32.load
       local.tee $57
       local.get $53
       f32.eq
       i32.and
       local.get $53
       local.get $57
       f32.gt
       i32.or
      else
       i32.const 0
      end
      if
       local.get $13
       local.get $16
       local.get $53
       local.get $8
       call $core-wasm/assembly/heap/siftDown
      end
     end
     local.get $12
     i32.const 1
     i32.add
     local.set $12
     br $for-loop|8
    end
   end
  end
  local.get $0
  local.get $5
  i32.const 0
  local.get $47
  i32.const 1
  i32.eq
  local.get $43
  i32.and
  select
  i32.store offset=132
  local.get $13
  local.get $3
  local.get $51
  local.get $52
  i32.const 0
  call $core-wasm/assembly/heap/heapDrain
  i32.const 0
  local.set $0
  loop $for-loop|03
   local.get $0
   local.get $49
   i32.lt_u
   if
    local.get $50
    local.get $0
    i32.const 2
    i32.shl
    i32.add
    i32.load
    local.tee $1
    local.get $25
    i32.lt_u
    if
     local.get $1
     local.get $42
     i32.add
     i32.const 0
     i32.store8
    end
    local.get $0
    i32.const 1
    i32.add
    local.set $0
    br $for-loop|03
   end
  end
  local.get $3
 )
)
