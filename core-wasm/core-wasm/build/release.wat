(module
 (type $0 (func (param i32 i32 i32 i32 i32)))
 (type $1 (func (result i32)))
 (type $2 (func (param i32) (result i32)))
 (import "env" "memory" (memory $0 16 32768 shared))
 (export "kernelAbiVersion" (func $core-wasm/assembly/index/kernelAbiVersion))
 (export "decide" (func $core-wasm/assembly/index/decide))
 (export "memory" (memory $0))
 (func $core-wasm/assembly/heap/heapDrain (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 f32)
  (local $8 i32)
  (local $9 f32)
  (local $10 i32)
  (local $11 i32)
  (local $12 i32)
  (local $13 f32)
  local.get $1
  local.set $10
  loop $while-continue|0
   local.get $10
   if
    local.get $10
    i32.const 1
    i32.sub
    local.set $10
    local.get $0
    f32.load
    local.set $7
    local.get $0
    i32.load offset=4
    local.set $1
    local.get $4
    if
     local.get $2
     local.get $10
     i32.const 2
     i32.shl
     i32.add
     local.get $1
     i32.const 3
     i32.shr_u
     i32.store
     local.get $4
     local.get $10
     i32.add
     local.get $1
     i32.const 7
     i32.and
     i32.store8
    else
     local.get $2
     local.get $10
     i32.const 2
     i32.shl
     i32.add
     local.get $1
     i32.store
    end
    local.get $3
    local.get $10
    i32.const 2
    i32.shl
    i32.add
    local.get $7
    f32.store
    local.get $10
    if
     local.get $0
     local.get $10
     i32.const 3
     i32.shl
     i32.add
     local.tee $1
     f32.load
     local.set $13
     local.get $1
     i32.load offset=4
     local.set $12
     i32.const 0
     local.set $5
     loop $while-continue|1
      block $while-break|1
       local.get $5
       i32.const 1
       i32.shl
       i32.const 1
       i32.add
       local.tee $6
       local.get $10
       i32.ge_u
       br_if $while-break|1
       local.get $0
       local.get $6
       i32.const 3
       i32.shl
       i32.add
       local.tee $1
       f32.load
       local.set $9
       local.get $1
       i32.load offset=4
       local.set $8
       local.get $6
       i32.const 1
       i32.add
       local.tee $11
       local.get $10
       i32.lt_u
       if (result i32)
        local.get $0
        local.get $11
        i32.const 3
        i32.shl
        i32.add
        local.tee $1
        f32.load
        local.set $7
        local.get $1
        i32.load offset=4
        local.tee $1
        local.get $8
        i32.gt_u
        local.get $7
        local.get $9
        f32.eq
        i32.and
        local.get $7
        local.get $9
        f32.lt
        i32.or
        if (result i32)
         local.get $7
         local.set $9
         local.get $1
         local.set $8
         local.get $11
        else
         local.get $6
        end
       else
        local.get $6
       end
       local.get $8
       local.get $12
       i32.gt_u
       local.get $9
       local.get $13
       f32.eq
       i32.and
       local.get $9
       local.get $13
       f32.lt
       i32.or
       i32.eqz
       br_if $while-break|1
       local.get $0
       local.get $5
       i32.const 3
       i32.shl
       i32.add
       local.tee $5
       local.get $9
       f32.store
       local.get $5
       local.get $8
       i32.store offset=4
       local.set $5
       br $while-continue|1
      end
     end
     local.get $0
     local.get $5
     i32.const 3
     i32.shl
     i32.add
     local.tee $1
     local.get $13
     f32.store
     local.get $1
     local.get $12
     i32.store offset=4
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
  (local $6 f32)
  (local $7 i32)
  (local $8 i32)
  (local $9 i32)
  (local $10 i32)
  (local $11 i32)
  (local $12 f32)
  (local $13 i32)
  (local $14 f32)
  (local $15 i32)
  (local $16 v128)
  (local $17 i32)
  (local $18 i32)
  (local $19 i32)
  (local $20 i32)
  (local $21 i32)
  (local $22 i32)
  (local $23 f32)
  (local $24 i32)
  (local $25 i32)
  (local $26 i32)
  (local $27 i32)
  (local $28 i32)
  (local $29 i32)
  (local $30 i32)
  (local $31 i32)
  (local $32 i32)
  (local $33 f32)
  (local $34 f32)
  (local $35 f32)
  (local $36 f32)
  (local $37 f32)
  (local $38 f32)
  (local $39 i32)
  (local $40 i32)
  (local $41 i32)
  (local $42 i32)
  (local $43 i32)
  (local $44 i32)
  (local $45 i32)
  (local $46 f32)
  (local $47 f32)
  (local $48 i32)
  (local $49 i32)
  (local $50 i32)
  (local $51 v128)
  (local $52 v128)
  (local $53 i32)
  (local $54 i32)
  (local $55 v128)
  (local $56 i32)
  (local $57 i32)
  (local $58 i32)
  (local $59 i32)
  (local $60 i32)
  (local $61 v128)
  (local $62 i32)
  (local $63 i32)
  local.get $0
  i32.load
  local.tee $2
  i32.load offset=4
  local.set $45
  local.get $2
  i32.load offset=12
  local.set $42
  local.get $2
  i32.load offset=16
  local.set $54
  local.get $2
  i32.load offset=20
  local.set $41
  local.get $2
  i32.load offset=24
  local.set $50
  local.get $2
  i32.load offset=28
  local.set $40
  local.get $2
  i32.load offset=32
  local.set $49
  local.get $2
  i32.load offset=36
  local.set $28
  local.get $2
  i32.load offset=40
  local.set $27
  local.get $2
  i32.load offset=44
  local.set $26
  local.get $2
  i32.load offset=48
  local.set $48
  local.get $0
  i32.load offset=4
  local.set $25
  local.get $0
  i32.load offset=20
  i32.const 0
  i32.ne
  local.set $30
  local.get $0
  i32.load offset=24
  local.set $39
  local.get $0
  i32.load offset=28
  local.set $24
  local.get $0
  i32.load offset=36
  local.set $11
  local.get $0
  f32.load offset=40
  local.set $23
  local.get $0
  f32.load offset=44
  local.set $47
  local.get $0
  f32.load offset=48
  local.set $38
  local.get $0
  f32.load offset=52
  local.set $37
  local.get $0
  f32.load offset=56
  local.set $36
  local.get $0
  f32.load offset=60
  local.set $35
  local.get $0
  f32.load offset=64
  local.set $46
  local.get $0
  f32.load offset=68
  local.set $34
  f32.const 1
  local.get $0
  f32.load offset=72
  f32.sub
  local.set $33
  local.get $0
  i32.load offset=76
  local.set $22
  local.get $0
  i32.load offset=100
  local.set $21
  local.get $0
  i32.load offset=88
  local.set $32
  local.get $0
  i32.load offset=108
  local.set $20
  local.get $0
  i32.load offset=112
  local.set $19
  local.get $0
  i32.load offset=136
  local.set $31
  local.get $0
  i32.load offset=140
  local.set $44
  local.get $0
  i32.load offset=144
  local.tee $57
  i32.const 1000
  local.get $0
  i32.load offset=16
  local.tee $3
  local.get $3
  i32.const 1000
  i32.ge_u
  select
  local.tee $56
  i32.const 3
  i32.shl
  i32.add
  local.set $58
  local.get $2
  i32.load offset=8
  local.tee $2
  i32.const 2
  i32.shl
  local.set $53
  local.get $2
  i32.const 2
  i32.shr_u
  i32.const 4
  i32.shl
  local.set $43
  local.get $0
  i32.load offset=32
  i32.const 0
  i32.ne
  local.tee $29
  if
   local.get $0
   i32.load offset=80
   local.set $2
   local.get $0
   i32.load offset=84
   local.set $3
   loop $for-loop|0
    local.get $4
    local.get $43
    i32.lt_u
    if
     local.get $4
     local.get $44
     i32.add
     local.get $2
     local.get $4
     i32.add
     v128.load
     local.get $3
     local.get $4
     i32.add
     v128.load
     f32x4.mul
     v128.store
     local.get $4
     i32.const 16
     i32.add
     local.set $4
     br $for-loop|0
    end
   end
  end
  local.get $0
  i32.load offset=104
  local.set $2
  i32.const 0
  local.set $4
  loop $for-loop|00
   local.get $4
   local.get $22
   i32.lt_u
   if
    local.get $21
    local.get $4
    i32.const 2
    i32.shl
    i32.add
    i32.load
    local.tee $3
    local.get $45
    i32.lt_u
    if
     local.get $3
     local.get $31
     i32.add
     local.tee $3
     i32.load8_u
     i32.eqz
     if
      local.get $3
      local.get $2
      local.get $4
      i32.add
      i32.load8_u
      i32.store8
     end
    end
    local.get $4
    i32.const 1
    i32.add
    local.set $4
    br $for-loop|00
   end
  end
  local.get $25
  i32.const 1
  i32.eq
  if
   local.get $0
   i32.load offset=12
   local.tee $2
   local.get $45
   local.get $2
   local.get $45
   i32.lt_u
   select
   local.set $59
   local.get $0
   i32.load offset=8
   local.set $18
   loop $for-loop|01
    local.get $18
    local.get $59
    i32.lt_u
    if
     block $core-wasm/assembly/constraints/checkItem|inlined.0
      local.get $11
      local.tee $4
      br_if $core-wasm/assembly/constraints/checkItem|inlined.0
      i32.const 5
      local.set $4
      local.get $18
      local.get $26
      i32.add
      i32.load8_u
      local.get $24
      i32.shr_u
      i32.const 1
      i32.and
      i32.eqz
      br_if $core-wasm/assembly/constraints/checkItem|inlined.0
      i32.const 1
      local.set $4
      local.get $28
      local.get $18
      i32.const 2
      i32.shl
      i32.add
      i32.load
      i32.const 0
      i32.le_s
      br_if $core-wasm/assembly/constraints/checkItem|inlined.0
      local.get $39
      local.get $42
      i32.lt_u
      if (result i32)
       local.get $27
       local.get $18
       local.get $42
       i32.mul
       local.get $39
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
      local.set $4
      local.get $49
      local.get $18
      i32.const 2
      i32.shl
      i32.add
      f32.load
      local.get $23
      f32.lt
      br_if $core-wasm/assembly/constraints/checkItem|inlined.0
      local.get $18
      local.get $31
      i32.add
      i32.load8_u
      local.set $4
     end
     block $for-continue|02
      local.get $30
      i32.const 1
      local.get $4
      local.tee $2
      select
      i32.eqz
      br_if $for-continue|02
      local.get $4
      i32.const 7
      i32.and
      local.get $18
      i32.const 3
      i32.shl
      i32.or
      local.set $4
      local.get $17
      i32.const 3
      i32.lt_u
      local.get $29
      i32.and
      if
       local.get $17
       if
        local.get $17
        i32.const 1
        i32.eq
        if
         local.get $4
         local.set $10
        else
         local.get $4
         local.set $9
        end
       else
        local.get $4
        local.set $8
       end
       local.get $17
       i32.const 1
       i32.add
       local.set $17
       br $for-continue|02
      end
      local.get $29
      i32.eqz
      if
       local.get $47
       f32.const 0
       f32.mul
       local.get $46
       local.get $18
       i32.const 2
       i32.shl
       local.tee $3
       local.get $50
       i32.add
       f32.load
       f32.mul
       f32.add
       local.get $3
       local.get $48
       i32.add
       f32.load
       f32.add
       local.set $6
       local.get $2
       if
        block $core-wasm/assembly/heap/heapOffer|inlined.1
         local.get $5
         local.tee $2
         local.get $56
         i32.lt_u
         if
          loop $while-continue|3
           local.get $5
           if
            block $while-break|3
             local.get $58
             local.get $5
             i32.const 1
             i32.sub
             i32.const 1
             i32.shr_u
             local.tee $3
             i32.const 3
             i32.shl
             i32.add
             local.tee $7
             f32.load
             local.set $12
             local.get $7
             i32.load offset=4
             local.tee $7
             local.get $4
             i32.lt_u
             local.get $6
             local.get $12
             f32.eq
             i32.and
             local.get $6
             local.get $12
             f32.lt
             i32.or
             i32.eqz
             br_if $while-break|3
             local.get $58
             local.get $5
             i32.const 3
             i32.shl
             i32.add
             local.tee $5
             local.get $12
             f32.store
             local.get $5
             local.get $7
             i32.store offset=4
             local.get $3
             local.set $5
             br $while-continue|3
            end
           end
          end
          local.get $58
          local.get $5
          i32.const 3
          i32.shl
          i32.add
          local.tee $3
          local.get $6
          f32.store
          local.get $3
          local.get $4
          i32.store offset=4
          local.get $2
          i32.const 1
          i32.add
          local.set $2
          br $core-wasm/assembly/heap/heapOffer|inlined.1
         end
         local.get $56
         i32.eqz
         br_if $core-wasm/assembly/heap/heapOffer|inlined.1
         local.get $4
         local.get $58
         i32.load offset=4
         i32.lt_u
         local.get $58
         f32.load
         local.tee $12
         local.get $6
         f32.eq
         i32.and
         local.get $6
         local.get $12
         f32.gt
         i32.or
         if
          local.get $6
          local.set $12
          local.get $4
          local.set $7
          i32.const 0
          local.set $4
          loop $while-continue|4
           block $while-break|4
            local.get $4
            i32.const 1
            i32.shl
            i32.const 1
            i32.add
            local.tee $5
            local.get $56
            i32.ge_u
            br_if $while-break|4
            local.get $58
            local.get $5
            i32.const 3
            i32.shl
            i32.add
            local.tee $3
            f32.load
            local.set $6
            local.get $3
            i32.load offset=4
            local.set $3
            local.get $5
            i32.const 1
            i32.add
            local.tee $15
            local.get $56
            i32.lt_u
            if
             local.get $58
             local.get $15
             i32.const 3
             i32.shl
             i32.add
             local.tee $60
             i32.load offset=4
             local.tee $13
             local.get $3
             i32.gt_u
             local.get $60
             f32.load
             local.tee $14
             local.get $6
             f32.eq
             i32.and
             local.get $6
             local.get $14
             f32.gt
             i32.or
             if
              local.get $14
              local.set $6
              local.get $13
              local.set $3
              local.get $15
              local.set $5
             end
            end
            local.get $3
            local.get $7
            i32.gt_u
            local.get $6
            local.get $12
            f32.eq
            i32.and
            local.get $6
            local.get $12
            f32.lt
            i32.or
            i32.eqz
            br_if $while-break|4
            local.get $58
            local.get $4
            i32.const 3
            i32.shl
            i32.add
            local.tee $4
            local.get $6
            f32.store
            local.get $4
            local.get $3
            i32.store offset=4
            local.get $5
            local.set $4
            br $while-continue|4
           end
          end
          local.get $58
          local.get $4
          i32.const 3
          i32.shl
          i32.add
          local.tee $3
          local.get $12
          f32.store
          local.get $3
          local.get $7
          i32.store offset=4
         end
        end
        local.get $2
        local.set $5
       else
        block $core-wasm/assembly/heap/heapOffer|inlined.0
         local.get $1
         local.tee $2
         local.get $56
         i32.lt_u
         if
          loop $while-continue|1
           local.get $1
           if
            block $while-break|1
             local.get $57
             local.get $1
             i32.const 1
             i32.sub
             i32.const 1
             i32.shr_u
             local.tee $3
             i32.const 3
             i32.shl
             i32.add
             local.tee $4
             f32.load
             local.set $12
             local.get $4
             i32.load offset=4
             local.tee $4
             local.get $18
             i32.lt_u
             local.get $6
             local.get $12
             f32.eq
             i32.and
             local.get $6
             local.get $12
             f32.lt
             i32.or
             i32.eqz
             br_if $while-break|1
             local.get $57
             local.get $1
             i32.const 3
             i32.shl
             i32.add
             local.tee $1
             local.get $12
             f32.store
             local.get $1
             local.get $4
             i32.store offset=4
             local.get $3
             local.set $1
             br $while-continue|1
            end
           end
          end
          local.get $57
          local.get $1
          i32.const 3
          i32.shl
          i32.add
          local.tee $1
          local.get $6
          f32.store
          local.get $1
          local.get $18
          i32.store offset=4
          local.get $2
          i32.const 1
          i32.add
          local.set $2
          br $core-wasm/assembly/heap/heapOffer|inlined.0
         end
         local.get $56
         i32.eqz
         br_if $core-wasm/assembly/heap/heapOffer|inlined.0
         local.get $18
         local.get $57
         i32.load offset=4
         i32.lt_u
         local.get $57
         f32.load
         local.tee $12
         local.get $6
         f32.eq
         i32.and
         local.get $6
         local.get $12
         f32.gt
         i32.or
         if
          local.get $6
          local.set $12
          i32.const 0
          local.set $4
          loop $while-continue|2
           block $while-break|2
            local.get $56
            local.get $4
            i32.const 1
            i32.shl
            i32.const 1
            i32.add
            local.tee $1
            i32.le_u
            br_if $while-break|2
            local.get $57
            local.get $1
            i32.const 3
            i32.shl
            i32.add
            local.tee $3
            f32.load
            local.set $6
            local.get $3
            i32.load offset=4
            local.set $3
            local.get $1
            i32.const 1
            i32.add
            local.tee $13
            local.get $56
            i32.lt_u
            if
             local.get $57
             local.get $13
             i32.const 3
             i32.shl
             i32.add
             local.tee $15
             i32.load offset=4
             local.tee $7
             local.get $3
             i32.gt_u
             local.get $15
             f32.load
             local.tee $14
             local.get $6
             f32.eq
             i32.and
             local.get $6
             local.get $14
             f32.gt
             i32.or
             if
              local.get $14
              local.set $6
              local.get $7
              local.set $3
              local.get $13
              local.set $1
             end
            end
            local.get $3
            local.get $18
            i32.gt_u
            local.get $6
            local.get $12
            f32.eq
            i32.and
            local.get $6
            local.get $12
            f32.lt
            i32.or
            i32.eqz
            br_if $while-break|2
            local.get $57
            local.get $4
            i32.const 3
            i32.shl
            i32.add
            local.tee $4
            local.get $6
            f32.store
            local.get $4
            local.get $3
            i32.store offset=4
            local.get $1
            local.set $4
            br $while-continue|2
           end
          end
          local.get $57
          local.get $4
          i32.const 3
          i32.shl
          i32.add
          local.tee $1
          local.get $12
          f32.store
          local.get $1
          local.get $18
          i32.store offset=4
         end
        end
        local.get $2
        local.set $1
       end
       br $for-continue|02
      end
      local.get $54
      local.get $8
      i32.const 3
      i32.shr_u
      local.get $53
      i32.mul
      i32.add
      local.set $3
      local.get $54
      local.get $10
      i32.const 3
      i32.shr_u
      local.get $53
      i32.mul
      i32.add
      local.set $7
      local.get $54
      local.get $9
      i32.const 3
      i32.shr_u
      local.get $53
      i32.mul
      i32.add
      local.set $13
      local.get $54
      local.get $18
      local.get $53
      i32.mul
      i32.add
      local.set $15
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      local.set $16
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      local.set $55
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      local.set $52
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      local.set $51
      i32.const 0
      local.set $2
      loop $for-loop|5
       local.get $2
       local.get $43
       i32.lt_u
       if
        local.get $16
        local.get $2
        local.get $44
        i32.add
        v128.load
        local.tee $61
        local.get $2
        local.get $3
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $16
        local.get $55
        local.get $61
        local.get $2
        local.get $7
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $55
        local.get $52
        local.get $61
        local.get $2
        local.get $13
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $52
        local.get $51
        local.get $61
        local.get $2
        local.get $15
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $51
        local.get $2
        i32.const 16
        i32.add
        local.set $2
        br $for-loop|5
       end
      end
      local.get $16
      local.get $55
      i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
      local.get $16
      local.get $55
      i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
      f32x4.add
      local.tee $16
      local.get $52
      local.get $51
      i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
      local.get $52
      local.get $51
      i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
      f32x4.add
      local.tee $51
      i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
      local.get $16
      local.get $51
      i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
      f32x4.add
      local.set $16
      i32.const 0
      local.set $17
      loop $for-loop|6
       local.get $17
       i32.const 4
       i32.lt_u
       if
        local.get $47
        f32.const 0
        f32.mul
        local.get $46
        local.get $17
        if (result i32)
         local.get $10
         local.get $9
         local.get $4
         local.get $17
         i32.const 2
         i32.eq
         select
         local.get $17
         i32.const 1
         i32.eq
         select
        else
         local.get $8
        end
        local.tee $2
        i32.const 3
        i32.shr_u
        local.tee $3
        i32.const 2
        i32.shl
        local.tee $7
        local.get $50
        i32.add
        f32.load
        f32.mul
        f32.add
        local.get $7
        local.get $48
        i32.add
        f32.load
        f32.add
        local.set $6
        local.get $17
        if (result f32)
         local.get $17
         i32.const 1
         i32.eq
         if (result f32)
          local.get $16
          f32x4.extract_lane 1
         else
          local.get $16
          f32x4.extract_lane 2
          local.get $16
          f32x4.extract_lane 3
          local.get $17
          i32.const 2
          i32.eq
          select
         end
        else
         local.get $16
         f32x4.extract_lane 0
        end
        local.get $38
        local.get $32
        local.get $3
        local.get $41
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
        local.get $37
        f32.const 1
        local.get $7
        local.get $40
        i32.add
        f32.load
        local.get $34
        f32.sub
        f32.abs
        local.get $36
        f32.mul
        f32.const 1
        f32.add
        f32.div
        f32.mul
        f32.add
        local.get $35
        local.get $7
        local.get $49
        i32.add
        f32.load
        f32.mul
        local.get $33
        f32.mul
        f32.add
        local.get $6
        f32.add
        local.set $6
        local.get $2
        i32.const 7
        i32.and
        if
         block $core-wasm/assembly/heap/heapOffer|inlined.3
          local.get $5
          local.tee $3
          local.get $56
          i32.lt_u
          if
           loop $while-continue|9
            local.get $5
            if
             block $while-break|9
              local.get $58
              local.get $5
              i32.const 1
              i32.sub
              i32.const 1
              i32.shr_u
              local.tee $7
              i32.const 3
              i32.shl
              i32.add
              local.tee $13
              f32.load
              local.set $12
              local.get $13
              i32.load offset=4
              local.tee $13
              local.get $2
              i32.lt_u
              local.get $6
              local.get $12
              f32.eq
              i32.and
              local.get $6
              local.get $12
              f32.lt
              i32.or
              i32.eqz
              br_if $while-break|9
              local.get $58
              local.get $5
              i32.const 3
              i32.shl
              i32.add
              local.tee $5
              local.get $12
              f32.store
              local.get $5
              local.get $13
              i32.store offset=4
              local.get $7
              local.set $5
              br $while-continue|9
             end
            end
           end
           local.get $58
           local.get $5
           i32.const 3
           i32.shl
           i32.add
           local.tee $5
           local.get $6
           f32.store
           local.get $5
           local.get $2
           i32.store offset=4
           local.get $3
           i32.const 1
           i32.add
           local.set $3
           br $core-wasm/assembly/heap/heapOffer|inlined.3
          end
          local.get $56
          i32.eqz
          br_if $core-wasm/assembly/heap/heapOffer|inlined.3
          local.get $2
          local.get $58
          i32.load offset=4
          i32.lt_u
          local.get $58
          f32.load
          local.tee $12
          local.get $6
          f32.eq
          i32.and
          local.get $6
          local.get $12
          f32.gt
          i32.or
          if
           local.get $6
           local.set $12
           local.get $2
           local.set $13
           i32.const 0
           local.set $2
           loop $while-continue|10
            block $while-break|10
             local.get $2
             i32.const 1
             i32.shl
             i32.const 1
             i32.add
             local.tee $5
             local.get $56
             i32.ge_u
             br_if $while-break|10
             local.get $58
             local.get $5
             i32.const 3
             i32.shl
             i32.add
             local.tee $7
             f32.load
             local.set $6
             local.get $7
             i32.load offset=4
             local.set $7
             local.get $5
             i32.const 1
             i32.add
             local.tee $60
             local.get $56
             i32.lt_u
             if
              local.get $58
              local.get $60
              i32.const 3
              i32.shl
              i32.add
              local.tee $62
              i32.load offset=4
              local.tee $15
              local.get $7
              i32.gt_u
              local.get $62
              f32.load
              local.tee $14
              local.get $6
              f32.eq
              i32.and
              local.get $6
              local.get $14
              f32.gt
              i32.or
              if
               local.get $14
               local.set $6
               local.get $15
               local.set $7
               local.get $60
               local.set $5
              end
             end
             local.get $7
             local.get $13
             i32.gt_u
             local.get $6
             local.get $12
             f32.eq
             i32.and
             local.get $6
             local.get $12
             f32.lt
             i32.or
             i32.eqz
             br_if $while-break|10
             local.get $58
             local.get $2
             i32.const 3
             i32.shl
             i32.add
             local.tee $2
             local.get $6
             f32.store
             local.get $2
             local.get $7
             i32.store offset=4
             local.get $5
             local.set $2
             br $while-continue|10
            end
           end
           local.get $58
           local.get $2
           i32.const 3
           i32.shl
           i32.add
           local.tee $2
           local.get $12
           f32.store
           local.get $2
           local.get $13
           i32.store offset=4
          end
         end
         local.get $3
         local.set $5
        else
         local.get $2
         i32.const 3
         i32.shr_u
         local.set $15
         local.get $1
         local.set $3
         block $core-wasm/assembly/heap/heapOffer|inlined.2
          local.get $1
          local.get $56
          i32.lt_u
          if
           loop $while-continue|7
            local.get $1
            if
             block $while-break|7
              local.get $57
              local.get $1
              i32.const 1
              i32.sub
              i32.const 1
              i32.shr_u
              local.tee $2
              i32.const 3
              i32.shl
              i32.add
              local.tee $7
              f32.load
              local.set $12
              local.get $7
              i32.load offset=4
              local.tee $7
              local.get $15
              i32.lt_u
              local.get $6
              local.get $12
              f32.eq
              i32.and
              local.get $6
              local.get $12
              f32.lt
              i32.or
              i32.eqz
              br_if $while-break|7
              local.get $57
              local.get $1
              i32.const 3
              i32.shl
              i32.add
              local.tee $1
              local.get $12
              f32.store
              local.get $1
              local.get $7
              i32.store offset=4
              local.get $2
              local.set $1
              br $while-continue|7
             end
            end
           end
           local.get $57
           local.get $1
           i32.const 3
           i32.shl
           i32.add
           local.tee $1
           local.get $6
           f32.store
           local.get $1
           local.get $15
           i32.store offset=4
           local.get $3
           i32.const 1
           i32.add
           local.set $3
           br $core-wasm/assembly/heap/heapOffer|inlined.2
          end
          local.get $56
          i32.eqz
          br_if $core-wasm/assembly/heap/heapOffer|inlined.2
          local.get $15
          local.get $57
          i32.load offset=4
          i32.lt_u
          local.get $57
          f32.load
          local.tee $12
          local.get $6
          f32.eq
          i32.and
          local.get $6
          local.get $12
          f32.gt
          i32.or
          if
           local.get $6
           local.set $12
           i32.const 0
           local.set $2
           loop $while-continue|8
            block $while-break|8
             local.get $56
             local.get $2
             i32.const 1
             i32.shl
             i32.const 1
             i32.add
             local.tee $1
             i32.le_u
             br_if $while-break|8
             local.get $57
             local.get $1
             i32.const 3
             i32.shl
             i32.add
             local.tee $7
             f32.load
             local.set $6
             local.get $7
             i32.load offset=4
             local.set $7
             local.get $1
             i32.const 1
             i32.add
             local.tee $60
             local.get $56
             i32.lt_u
             if
              local.get $57
              local.get $60
              i32.const 3
              i32.shl
              i32.add
              local.tee $62
              i32.load offset=4
              local.tee $13
              local.get $7
              i32.gt_u
              local.get $62
              f32.load
              local.tee $14
              local.get $6
              f32.eq
              i32.and
              local.get $6
              local.get $14
              f32.gt
              i32.or
              if
               local.get $14
               local.set $6
               local.get $13
               local.set $7
               local.get $60
               local.set $1
              end
             end
             local.get $7
             local.get $15
             i32.gt_u
             local.get $6
             local.get $12
             f32.eq
             i32.and
             local.get $6
             local.get $12
             f32.lt
             i32.or
             i32.eqz
             br_if $while-break|8
             local.get $57
             local.get $2
             i32.const 3
             i32.shl
             i32.add
             local.tee $2
             local.get $6
             f32.store
             local.get $2
             local.get $7
             i32.store offset=4
             local.get $1
             local.set $2
             br $while-continue|8
            end
           end
           local.get $57
           local.get $2
           i32.const 3
           i32.shl
           i32.add
           local.tee $1
           local.get $12
           f32.store
           local.get $1
           local.get $15
           i32.store offset=4
          end
         end
         local.get $3
         local.set $1
        end
        local.get $17
        i32.const 1
        i32.add
        local.set $17
        br $for-loop|6
       end
      end
      i32.const 0
      local.set $17
     end
     local.get $18
     i32.const 1
     i32.add
     local.set $18
     br $for-loop|01
    end
   end
   i32.const 0
   local.set $7
   loop $for-loop|11
    local.get $7
    local.get $17
    i32.lt_u
    if
     local.get $54
     local.get $10
     local.get $9
     local.get $7
     i32.const 1
     i32.eq
     select
     local.get $8
     local.get $7
     select
     local.tee $13
     i32.const 3
     i32.shr_u
     local.tee $2
     local.get $53
     i32.mul
     i32.add
     local.set $3
     v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
     local.set $16
     i32.const 0
     local.set $18
     loop $for-loop|12
      local.get $18
      local.get $43
      i32.lt_u
      if
       local.get $16
       local.get $18
       local.get $44
       i32.add
       v128.load
       local.get $3
       local.get $18
       i32.add
       v128.load
       f32x4.mul
       f32x4.add
       local.set $16
       local.get $18
       i32.const 16
       i32.add
       local.set $18
       br $for-loop|12
      end
     end
     local.get $16
     f32x4.extract_lane 0
     local.get $16
     f32x4.extract_lane 1
     f32.add
     local.get $16
     f32x4.extract_lane 2
     local.get $16
     f32x4.extract_lane 3
     f32.add
     f32.add
     local.get $38
     local.get $32
     local.get $2
     local.get $41
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
     local.get $37
     f32.const 1
     local.get $2
     i32.const 2
     i32.shl
     local.tee $2
     local.get $40
     i32.add
     f32.load
     local.get $34
     f32.sub
     f32.abs
     local.get $36
     f32.mul
     f32.const 1
     f32.add
     f32.div
     f32.mul
     f32.add
     local.get $35
     local.get $2
     local.get $49
     i32.add
     f32.load
     f32.mul
     local.get $33
     f32.mul
     f32.add
     local.get $47
     f32.const 0
     f32.mul
     local.get $46
     local.get $2
     local.get $50
     i32.add
     f32.load
     f32.mul
     f32.add
     local.get $2
     local.get $48
     i32.add
     f32.load
     f32.add
     f32.add
     local.set $6
     local.get $13
     i32.const 7
     i32.and
     if
      block $core-wasm/assembly/heap/heapOffer|inlined.5
       local.get $5
       local.tee $3
       local.get $56
       i32.lt_u
       if
        loop $while-continue|15
         local.get $5
         if
          block $while-break|15
           local.get $58
           local.get $5
           i32.const 1
           i32.sub
           i32.const 1
           i32.shr_u
           local.tee $2
           i32.const 3
           i32.shl
           i32.add
           local.tee $4
           f32.load
           local.set $12
           local.get $4
           i32.load offset=4
           local.tee $4
           local.get $13
           i32.lt_u
           local.get $6
           local.get $12
           f32.eq
           i32.and
           local.get $6
           local.get $12
           f32.lt
           i32.or
           i32.eqz
           br_if $while-break|15
           local.get $58
           local.get $5
           i32.const 3
           i32.shl
           i32.add
           local.tee $5
           local.get $12
           f32.store
           local.get $5
           local.get $4
           i32.store offset=4
           local.get $2
           local.set $5
           br $while-continue|15
          end
         end
        end
        local.get $58
        local.get $5
        i32.const 3
        i32.shl
        i32.add
        local.tee $2
        local.get $6
        f32.store
        local.get $2
        local.get $13
        i32.store offset=4
        local.get $3
        i32.const 1
        i32.add
        local.set $3
        br $core-wasm/assembly/heap/heapOffer|inlined.5
       end
       local.get $56
       i32.eqz
       br_if $core-wasm/assembly/heap/heapOffer|inlined.5
       local.get $13
       local.get $58
       i32.load offset=4
       i32.lt_u
       local.get $58
       f32.load
       local.tee $12
       local.get $6
       f32.eq
       i32.and
       local.get $6
       local.get $12
       f32.gt
       i32.or
       if
        local.get $6
        local.set $12
        i32.const 0
        local.set $4
        loop $while-continue|16
         block $while-break|16
          local.get $4
          i32.const 1
          i32.shl
          i32.const 1
          i32.add
          local.tee $5
          local.get $56
          i32.ge_u
          br_if $while-break|16
          local.get $58
          local.get $5
          i32.const 3
          i32.shl
          i32.add
          local.tee $2
          f32.load
          local.set $6
          local.get $2
          i32.load offset=4
          local.set $2
          local.get $5
          i32.const 1
          i32.add
          local.tee $15
          local.get $56
          i32.lt_u
          if
           local.get $58
           local.get $15
           i32.const 3
           i32.shl
           i32.add
           local.tee $18
           i32.load offset=4
           local.tee $11
           local.get $2
           i32.gt_u
           local.get $18
           f32.load
           local.tee $14
           local.get $6
           f32.eq
           i32.and
           local.get $6
           local.get $14
           f32.gt
           i32.or
           if
            local.get $14
            local.set $6
            local.get $11
            local.set $2
            local.get $15
            local.set $5
           end
          end
          local.get $2
          local.get $13
          i32.gt_u
          local.get $6
          local.get $12
          f32.eq
          i32.and
          local.get $6
          local.get $12
          f32.lt
          i32.or
          i32.eqz
          br_if $while-break|16
          local.get $58
          local.get $4
          i32.const 3
          i32.shl
          i32.add
          local.tee $4
          local.get $6
          f32.store
          local.get $4
          local.get $2
          i32.store offset=4
          local.get $5
          local.set $4
          br $while-continue|16
         end
        end
        local.get $58
        local.get $4
        i32.const 3
        i32.shl
        i32.add
        local.tee $2
        local.get $12
        f32.store
        local.get $2
        local.get $13
        i32.store offset=4
       end
      end
      local.get $3
      local.set $5
     else
      local.get $13
      i32.const 3
      i32.shr_u
      local.set $13
      local.get $1
      local.set $3
      block $core-wasm/assembly/heap/heapOffer|inlined.4
       local.get $1
       local.get $56
       i32.lt_u
       if
        loop $while-continue|13
         local.get $1
         if
          block $while-break|13
           local.get $57
           local.get $1
           i32.const 1
           i32.sub
           i32.const 1
           i32.shr_u
           local.tee $2
           i32.const 3
           i32.shl
           i32.add
           local.tee $4
           f32.load
           local.set $12
           local.get $4
           i32.load offset=4
           local.tee $4
           local.get $13
           i32.lt_u
           local.get $6
           local.get $12
           f32.eq
           i32.and
           local.get $6
           local.get $12
           f32.lt
           i32.or
           i32.eqz
           br_if $while-break|13
           local.get $57
           local.get $1
           i32.const 3
           i32.shl
           i32.add
           local.tee $1
           local.get $12
           f32.store
           local.get $1
           local.get $4
           i32.store offset=4
           local.get $2
           local.set $1
           br $while-continue|13
          end
         end
        end
        local.get $57
        local.get $1
        i32.const 3
        i32.shl
        i32.add
        local.tee $1
        local.get $6
        f32.store
        local.get $1
        local.get $13
        i32.store offset=4
        local.get $3
        i32.const 1
        i32.add
        local.set $3
        br $core-wasm/assembly/heap/heapOffer|inlined.4
       end
       local.get $56
       i32.eqz
       br_if $core-wasm/assembly/heap/heapOffer|inlined.4
       local.get $13
       local.get $57
       i32.load offset=4
       i32.lt_u
       local.get $57
       f32.load
       local.tee $12
       local.get $6
       f32.eq
       i32.and
       local.get $6
       local.get $12
       f32.gt
       i32.or
       if
        local.get $6
        local.set $12
        i32.const 0
        local.set $4
        loop $while-continue|14
         block $while-break|14
          local.get $56
          local.get $4
          i32.const 1
          i32.shl
          i32.const 1
          i32.add
          local.tee $1
          i32.le_u
          br_if $while-break|14
          local.get $57
          local.get $1
          i32.const 3
          i32.shl
          i32.add
          local.tee $2
          f32.load
          local.set $6
          local.get $2
          i32.load offset=4
          local.set $2
          local.get $1
          i32.const 1
          i32.add
          local.tee $15
          local.get $56
          i32.lt_u
          if
           local.get $57
           local.get $15
           i32.const 3
           i32.shl
           i32.add
           local.tee $18
           i32.load offset=4
           local.tee $11
           local.get $2
           i32.gt_u
           local.get $18
           f32.load
           local.tee $14
           local.get $6
           f32.eq
           i32.and
           local.get $6
           local.get $14
           f32.gt
           i32.or
           if
            local.get $14
            local.set $6
            local.get $11
            local.set $2
            local.get $15
            local.set $1
           end
          end
          local.get $2
          local.get $13
          i32.gt_u
          local.get $6
          local.get $12
          f32.eq
          i32.and
          local.get $6
          local.get $12
          f32.lt
          i32.or
          i32.eqz
          br_if $while-break|14
          local.get $57
          local.get $4
          i32.const 3
          i32.shl
          i32.add
          local.tee $4
          local.get $6
          f32.store
          local.get $4
          local.get $2
          i32.store offset=4
          local.get $1
          local.set $4
          br $while-continue|14
         end
        end
        local.get $57
        local.get $4
        i32.const 3
        i32.shl
        i32.add
        local.tee $1
        local.get $12
        f32.store
        local.get $1
        local.get $13
        i32.store offset=4
       end
      end
      local.get $3
      local.set $1
     end
     local.get $7
     i32.const 1
     i32.add
     local.set $7
     br $for-loop|11
    end
   end
   local.get $30
   if
    local.get $58
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
   local.set $18
   local.get $0
   i32.load offset=92
   local.set $58
   local.get $0
   i32.load offset=96
   local.set $59
   local.get $0
   i32.load offset=116
   local.set $60
   i32.const 0
   local.set $4
   loop $for-loop|17
    local.get $4
    local.get $18
    i32.lt_u
    if
     local.get $45
     local.get $58
     local.get $4
     i32.const 2
     i32.shl
     i32.add
     i32.load
     local.tee $3
     i32.gt_u
     if
      block $core-wasm/assembly/constraints/checkItem|inlined.1
       local.get $11
       local.tee $2
       br_if $core-wasm/assembly/constraints/checkItem|inlined.1
       i32.const 5
       local.set $2
       local.get $3
       local.get $26
       i32.add
       i32.load8_u
       local.get $24
       i32.shr_u
       i32.const 1
       i32.and
       i32.eqz
       br_if $core-wasm/assembly/constraints/checkItem|inlined.1
       i32.const 1
       local.set $2
       local.get $28
       local.get $3
       i32.const 2
       i32.shl
       i32.add
       i32.load
       i32.const 0
       i32.le_s
       br_if $core-wasm/assembly/constraints/checkItem|inlined.1
       local.get $39
       local.get $42
       i32.lt_u
       if (result i32)
        local.get $27
        local.get $3
        local.get $42
        i32.mul
        local.get $39
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
       local.get $49
       local.get $3
       i32.const 2
       i32.shl
       i32.add
       f32.load
       local.get $23
       f32.lt
       br_if $core-wasm/assembly/constraints/checkItem|inlined.1
       local.get $3
       local.get $31
       i32.add
       i32.load8_u
       local.set $2
      end
     else
      i32.const 7
      local.set $2
     end
     local.get $4
     local.get $60
     i32.add
     local.get $2
     i32.store8
     block $for-continue|17
      local.get $2
      br_if $for-continue|17
      local.get $29
      i32.eqz
      if
       local.get $1
       local.set $7
       local.get $47
       local.get $59
       local.get $4
       i32.const 2
       i32.shl
       i32.add
       f32.load
       f32.mul
       local.get $46
       local.get $3
       i32.const 2
       i32.shl
       local.tee $2
       local.get $50
       i32.add
       f32.load
       f32.mul
       f32.add
       local.get $2
       local.get $48
       i32.add
       f32.load
       f32.add
       local.set $14
       block $core-wasm/assembly/heap/heapOffer|inlined.6
        local.get $1
        local.get $56
        i32.lt_u
        if
         loop $while-continue|18
          local.get $1
          if
           block $while-break|18
            local.get $57
            local.get $1
            i32.const 1
            i32.sub
            i32.const 1
            i32.shr_u
            local.tee $2
            i32.const 3
            i32.shl
            i32.add
            local.tee $3
            f32.load
            local.set $6
            local.get $3
            i32.load offset=4
            local.tee $3
            local.get $4
            i32.lt_u
            local.get $6
            local.get $14
            f32.eq
            i32.and
            local.get $6
            local.get $14
            f32.gt
            i32.or
            i32.eqz
            br_if $while-break|18
            local.get $57
            local.get $1
            i32.const 3
            i32.shl
            i32.add
            local.tee $1
            local.get $6
            f32.store
            local.get $1
            local.get $3
            i32.store offset=4
            local.get $2
            local.set $1
            br $while-continue|18
           end
          end
         end
         local.get $57
         local.get $1
         i32.const 3
         i32.shl
         i32.add
         local.tee $1
         local.get $14
         f32.store
         local.get $1
         local.get $4
         i32.store offset=4
         local.get $7
         i32.const 1
         i32.add
         local.set $7
         br $core-wasm/assembly/heap/heapOffer|inlined.6
        end
        local.get $56
        i32.eqz
        br_if $core-wasm/assembly/heap/heapOffer|inlined.6
        local.get $4
        local.get $57
        i32.load offset=4
        i32.lt_u
        local.get $57
        f32.load
        local.tee $6
        local.get $14
        f32.eq
        i32.and
        local.get $6
        local.get $14
        f32.lt
        i32.or
        if
         i32.const 0
         local.set $3
         loop $while-continue|19
          block $while-break|19
           local.get $56
           local.get $3
           i32.const 1
           i32.shl
           i32.const 1
           i32.add
           local.tee $1
           i32.le_u
           br_if $while-break|19
           local.get $57
           local.get $1
           i32.const 3
           i32.shl
           i32.add
           local.tee $2
           f32.load
           local.set $6
           local.get $2
           i32.load offset=4
           local.set $2
           local.get $1
           i32.const 1
           i32.add
           local.tee $15
           local.get $56
           i32.lt_u
           if
            local.get $57
            local.get $15
            i32.const 3
            i32.shl
            i32.add
            local.tee $62
            i32.load offset=4
            local.tee $13
            local.get $2
            i32.gt_u
            local.get $62
            f32.load
            local.tee $12
            local.get $6
            f32.eq
            i32.and
            local.get $6
            local.get $12
            f32.gt
            i32.or
            if
             local.get $12
             local.set $6
             local.get $13
             local.set $2
             local.get $15
             local.set $1
            end
           end
           local.get $2
           local.get $4
           i32.gt_u
           local.get $6
           local.get $14
           f32.eq
           i32.and
           local.get $6
           local.get $14
           f32.lt
           i32.or
           i32.eqz
           br_if $while-break|19
           local.get $57
           local.get $3
           i32.const 3
           i32.shl
           i32.add
           local.tee $3
           local.get $6
           f32.store
           local.get $3
           local.get $2
           i32.store offset=4
           local.get $1
           local.set $3
           br $while-continue|19
          end
         end
         local.get $57
         local.get $3
         i32.const 3
         i32.shl
         i32.add
         local.tee $1
         local.get $14
         f32.store
         local.get $1
         local.get $4
         i32.store offset=4
        end
       end
       local.get $7
       local.set $1
       br $for-continue|17
      end
      local.get $17
      i32.const 3
      i32.lt_u
      if
       local.get $17
       if
        local.get $17
        i32.const 1
        i32.eq
        if
         local.get $4
         local.set $10
        else
         local.get $4
         local.set $9
        end
       else
        local.get $4
        local.set $8
       end
       local.get $17
       i32.const 1
       i32.add
       local.set $17
       br $for-continue|17
      end
      local.get $54
      local.get $58
      local.get $8
      i32.const 2
      i32.shl
      i32.add
      i32.load
      local.get $53
      i32.mul
      i32.add
      local.set $2
      local.get $54
      local.get $58
      local.get $10
      i32.const 2
      i32.shl
      i32.add
      i32.load
      local.get $53
      i32.mul
      i32.add
      local.set $13
      local.get $54
      local.get $58
      local.get $9
      i32.const 2
      i32.shl
      i32.add
      i32.load
      local.get $53
      i32.mul
      i32.add
      local.set $15
      local.get $54
      local.get $3
      local.get $53
      i32.mul
      i32.add
      local.set $3
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      local.set $16
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      local.set $55
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      local.set $52
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      local.set $51
      i32.const 0
      local.set $7
      loop $for-loop|20
       local.get $7
       local.get $43
       i32.lt_u
       if
        local.get $16
        local.get $7
        local.get $44
        i32.add
        v128.load
        local.tee $61
        local.get $2
        local.get $7
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $16
        local.get $55
        local.get $61
        local.get $7
        local.get $13
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $55
        local.get $52
        local.get $61
        local.get $7
        local.get $15
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $52
        local.get $51
        local.get $61
        local.get $3
        local.get $7
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $51
        local.get $7
        i32.const 16
        i32.add
        local.set $7
        br $for-loop|20
       end
      end
      local.get $16
      local.get $55
      i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
      local.get $16
      local.get $55
      i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
      f32x4.add
      local.tee $16
      local.get $52
      local.get $51
      i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
      local.get $52
      local.get $51
      i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
      f32x4.add
      local.tee $51
      i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
      local.get $16
      local.get $51
      i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
      f32x4.add
      local.set $16
      i32.const 0
      local.set $17
      loop $for-loop|21
       local.get $17
       i32.const 4
       i32.lt_u
       if
        local.get $1
        local.set $7
        local.get $58
        local.get $17
        if (result i32)
         local.get $10
         local.get $9
         local.get $4
         local.get $17
         i32.const 2
         i32.eq
         select
         local.get $17
         i32.const 1
         i32.eq
         select
        else
         local.get $8
        end
        local.tee $2
        i32.const 2
        i32.shl
        local.tee $1
        i32.add
        i32.load
        local.tee $3
        i32.const 2
        i32.shl
        local.set $13
        local.get $47
        local.get $1
        local.get $59
        i32.add
        f32.load
        f32.mul
        local.get $46
        local.get $13
        local.get $50
        i32.add
        f32.load
        f32.mul
        f32.add
        local.get $13
        local.get $48
        i32.add
        f32.load
        f32.add
        local.set $6
        local.get $17
        if (result f32)
         local.get $17
         i32.const 1
         i32.eq
         if (result f32)
          local.get $16
          f32x4.extract_lane 1
         else
          local.get $16
          f32x4.extract_lane 2
          local.get $16
          f32x4.extract_lane 3
          local.get $17
          i32.const 2
          i32.eq
          select
         end
        else
         local.get $16
         f32x4.extract_lane 0
        end
        local.get $38
        local.get $32
        local.get $3
        local.get $41
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
        local.get $37
        f32.const 1
        local.get $13
        local.get $40
        i32.add
        f32.load
        local.get $34
        f32.sub
        f32.abs
        local.get $36
        f32.mul
        f32.const 1
        f32.add
        f32.div
        f32.mul
        f32.add
        local.get $35
        local.get $13
        local.get $49
        i32.add
        f32.load
        f32.mul
        local.get $33
        f32.mul
        f32.add
        local.get $6
        f32.add
        local.set $14
        block $core-wasm/assembly/heap/heapOffer|inlined.7
         local.get $7
         local.get $56
         i32.lt_u
         if
          local.get $7
          local.set $1
          loop $while-continue|22
           local.get $1
           if
            block $while-break|22
             local.get $57
             local.get $1
             i32.const 1
             i32.sub
             i32.const 1
             i32.shr_u
             local.tee $3
             i32.const 3
             i32.shl
             i32.add
             local.tee $13
             f32.load
             local.set $6
             local.get $13
             i32.load offset=4
             local.tee $13
             local.get $2
             i32.lt_u
             local.get $6
             local.get $14
             f32.eq
             i32.and
             local.get $6
             local.get $14
             f32.gt
             i32.or
             i32.eqz
             br_if $while-break|22
             local.get $57
             local.get $1
             i32.const 3
             i32.shl
             i32.add
             local.tee $1
             local.get $6
             f32.store
             local.get $1
             local.get $13
             i32.store offset=4
             local.get $3
             local.set $1
             br $while-continue|22
            end
           end
          end
          local.get $57
          local.get $1
          i32.const 3
          i32.shl
          i32.add
          local.tee $1
          local.get $14
          f32.store
          local.get $1
          local.get $2
          i32.store offset=4
          local.get $7
          i32.const 1
          i32.add
          local.set $7
          br $core-wasm/assembly/heap/heapOffer|inlined.7
         end
         local.get $56
         i32.eqz
         br_if $core-wasm/assembly/heap/heapOffer|inlined.7
         local.get $2
         local.get $57
         i32.load offset=4
         i32.lt_u
         local.get $57
         f32.load
         local.tee $6
         local.get $14
         f32.eq
         i32.and
         local.get $6
         local.get $14
         f32.lt
         i32.or
         if
          local.get $2
          local.set $13
          i32.const 0
          local.set $3
          loop $while-continue|23
           block $while-break|23
            local.get $56
            local.get $3
            i32.const 1
            i32.shl
            i32.const 1
            i32.add
            local.tee $1
            i32.le_u
            br_if $while-break|23
            local.get $57
            local.get $1
            i32.const 3
            i32.shl
            i32.add
            local.tee $2
            f32.load
            local.set $6
            local.get $2
            i32.load offset=4
            local.set $2
            local.get $1
            i32.const 1
            i32.add
            local.tee $62
            local.get $56
            i32.lt_u
            if
             local.get $57
             local.get $62
             i32.const 3
             i32.shl
             i32.add
             local.tee $63
             i32.load offset=4
             local.tee $15
             local.get $2
             i32.gt_u
             local.get $63
             f32.load
             local.tee $12
             local.get $6
             f32.eq
             i32.and
             local.get $6
             local.get $12
             f32.gt
             i32.or
             if
              local.get $12
              local.set $6
              local.get $15
              local.set $2
              local.get $62
              local.set $1
             end
            end
            local.get $2
            local.get $13
            i32.gt_u
            local.get $6
            local.get $14
            f32.eq
            i32.and
            local.get $6
            local.get $14
            f32.lt
            i32.or
            i32.eqz
            br_if $while-break|23
            local.get $57
            local.get $3
            i32.const 3
            i32.shl
            i32.add
            local.tee $3
            local.get $6
            f32.store
            local.get $3
            local.get $2
            i32.store offset=4
            local.get $1
            local.set $3
            br $while-continue|23
           end
          end
          local.get $57
          local.get $3
          i32.const 3
          i32.shl
          i32.add
          local.tee $1
          local.get $14
          f32.store
          local.get $1
          local.get $13
          i32.store offset=4
         end
        end
        local.get $7
        local.set $1
        local.get $17
        i32.const 1
        i32.add
        local.set $17
        br $for-loop|21
       end
      end
      i32.const 0
      local.set $17
     end
     local.get $4
     i32.const 1
     i32.add
     local.set $4
     br $for-loop|17
    end
   end
   i32.const 0
   local.set $3
   loop $for-loop|24
    local.get $3
    local.get $17
    i32.lt_u
    if
     local.get $1
     local.set $4
     local.get $58
     local.get $10
     local.get $9
     local.get $3
     i32.const 1
     i32.eq
     select
     local.get $8
     local.get $3
     select
     local.tee $13
     i32.const 2
     i32.shl
     local.tee $1
     i32.add
     i32.load
     local.set $7
     local.get $1
     local.get $59
     i32.add
     f32.load
     local.set $6
     local.get $54
     local.get $7
     local.get $53
     i32.mul
     i32.add
     local.set $1
     v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
     local.set $16
     i32.const 0
     local.set $2
     loop $for-loop|25
      local.get $2
      local.get $43
      i32.lt_u
      if
       local.get $16
       local.get $2
       local.get $44
       i32.add
       v128.load
       local.get $1
       local.get $2
       i32.add
       v128.load
       f32x4.mul
       f32x4.add
       local.set $16
       local.get $2
       i32.const 16
       i32.add
       local.set $2
       br $for-loop|25
      end
     end
     local.get $16
     f32x4.extract_lane 0
     local.get $16
     f32x4.extract_lane 1
     f32.add
     local.get $16
     f32x4.extract_lane 2
     local.get $16
     f32x4.extract_lane 3
     f32.add
     f32.add
     local.get $38
     local.get $32
     local.get $7
     local.get $41
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
     local.get $37
     f32.const 1
     local.get $7
     i32.const 2
     i32.shl
     local.tee $1
     local.get $40
     i32.add
     f32.load
     local.get $34
     f32.sub
     f32.abs
     local.get $36
     f32.mul
     f32.const 1
     f32.add
     f32.div
     f32.mul
     f32.add
     local.get $35
     local.get $1
     local.get $49
     i32.add
     f32.load
     f32.mul
     local.get $33
     f32.mul
     f32.add
     local.get $47
     local.get $6
     f32.mul
     local.get $46
     local.get $1
     local.get $50
     i32.add
     f32.load
     f32.mul
     f32.add
     local.get $1
     local.get $48
     i32.add
     f32.load
     f32.add
     f32.add
     local.set $14
     block $core-wasm/assembly/heap/heapOffer|inlined.8
      local.get $4
      local.get $56
      i32.lt_u
      if
       local.get $4
       local.set $1
       loop $while-continue|26
        local.get $1
        if
         block $while-break|26
          local.get $57
          local.get $1
          i32.const 1
          i32.sub
          i32.const 1
          i32.shr_u
          local.tee $2
          i32.const 3
          i32.shl
          i32.add
          local.tee $7
          f32.load
          local.set $6
          local.get $7
          i32.load offset=4
          local.tee $7
          local.get $13
          i32.lt_u
          local.get $6
          local.get $14
          f32.eq
          i32.and
          local.get $6
          local.get $14
          f32.gt
          i32.or
          i32.eqz
          br_if $while-break|26
          local.get $57
          local.get $1
          i32.const 3
          i32.shl
          i32.add
          local.tee $1
          local.get $6
          f32.store
          local.get $1
          local.get $7
          i32.store offset=4
          local.get $2
          local.set $1
          br $while-continue|26
         end
        end
       end
       local.get $57
       local.get $1
       i32.const 3
       i32.shl
       i32.add
       local.tee $1
       local.get $14
       f32.store
       local.get $1
       local.get $13
       i32.store offset=4
       local.get $4
       i32.const 1
       i32.add
       local.set $2
       br $core-wasm/assembly/heap/heapOffer|inlined.8
      end
      local.get $4
      local.set $2
      local.get $56
      i32.eqz
      br_if $core-wasm/assembly/heap/heapOffer|inlined.8
      local.get $13
      local.get $57
      i32.load offset=4
      i32.lt_u
      local.get $57
      f32.load
      local.tee $6
      local.get $14
      f32.eq
      i32.and
      local.get $6
      local.get $14
      f32.lt
      i32.or
      if
       i32.const 0
       local.set $4
       loop $while-continue|27
        block $while-break|27
         local.get $56
         local.get $4
         i32.const 1
         i32.shl
         i32.const 1
         i32.add
         local.tee $1
         i32.le_u
         br_if $while-break|27
         local.get $57
         local.get $1
         i32.const 3
         i32.shl
         i32.add
         local.tee $7
         f32.load
         local.set $6
         local.get $7
         i32.load offset=4
         local.set $7
         local.get $1
         i32.const 1
         i32.add
         local.tee $15
         local.get $56
         i32.lt_u
         if
          local.get $57
          local.get $15
          i32.const 3
          i32.shl
          i32.add
          local.tee $18
          i32.load offset=4
          local.tee $11
          local.get $7
          i32.gt_u
          local.get $18
          f32.load
          local.tee $12
          local.get $6
          f32.eq
          i32.and
          local.get $6
          local.get $12
          f32.gt
          i32.or
          if
           local.get $12
           local.set $6
           local.get $11
           local.set $7
           local.get $15
           local.set $1
          end
         end
         local.get $7
         local.get $13
         i32.gt_u
         local.get $6
         local.get $14
         f32.eq
         i32.and
         local.get $6
         local.get $14
         f32.lt
         i32.or
         i32.eqz
         br_if $while-break|27
         local.get $57
         local.get $4
         i32.const 3
         i32.shl
         i32.add
         local.tee $4
         local.get $6
         f32.store
         local.get $4
         local.get $7
         i32.store offset=4
         local.get $1
         local.set $4
         br $while-continue|27
        end
       end
       local.get $57
       local.get $4
       i32.const 3
       i32.shl
       i32.add
       local.tee $1
       local.get $14
       f32.store
       local.get $1
       local.get $13
       i32.store offset=4
      end
     end
     local.get $2
     local.set $1
     local.get $3
     i32.const 1
     i32.add
     local.set $3
     br $for-loop|24
    end
   end
  end
  local.get $0
  local.get $5
  i32.const 0
  local.get $25
  i32.const 1
  i32.eq
  local.get $30
  i32.and
  select
  i32.store offset=132
  local.get $57
  local.get $1
  local.get $20
  local.get $19
  i32.const 0
  call $core-wasm/assembly/heap/heapDrain
  i32.const 0
  local.set $5
  loop $for-loop|03
   local.get $5
   local.get $22
   i32.lt_u
   if
    local.get $21
    local.get $5
    i32.const 2
    i32.shl
    i32.add
    i32.load
    local.tee $0
    local.get $45
    i32.lt_u
    if
     local.get $0
     local.get $31
     i32.add
     i32.const 0
     i32.store8
    end
    local.get $5
    i32.const 1
    i32.add
    local.set $5
    br $for-loop|03
   end
  end
  local.get $1
 )
)
