(module
 (type $0 (func (param i32 i32 i32 i32)))
 (type $1 (func (param i32 i32 i32 i32 i32)))
 (type $2 (func (param i32 i32 f32 i32)))
 (type $3 (func (result i32)))
 (type $4 (func (param i32) (result i32)))
 (import "env" "memory" (memory $0 16 32768 shared))
 (global $core-wasm/assembly/layout/CATEGORY_SLOTS i32 (i32.const 32))
 (global $core-wasm/assembly/layout/MAX_TOP_K i32 (i32.const 1000))
 (global $core-wasm/assembly/layout/UNKNOWN_ITEM i32 (i32.const -1))
 (global $core-wasm/assembly/layout/Reason.KEPT i32 (i32.const 0))
 (global $core-wasm/assembly/layout/Reason.OUT_OF_STOCK i32 (i32.const 1))
 (global $core-wasm/assembly/layout/Reason.BELOW_MARGIN_FLOOR i32 (i32.const 2))
 (global $core-wasm/assembly/layout/Reason.NO_CONSENT i32 (i32.const 3))
 (global $core-wasm/assembly/layout/Reason.CAPPED i32 (i32.const 4))
 (global $core-wasm/assembly/layout/Reason.INELIGIBLE i32 (i32.const 5))
 (global $core-wasm/assembly/layout/Reason.REDEEMED i32 (i32.const 6))
 (global $core-wasm/assembly/layout/Reason.UNKNOWN_SKU i32 (i32.const 7))
 (global $core-wasm/assembly/layout/Mode.CANDIDATES i32 (i32.const 0))
 (global $core-wasm/assembly/layout/Mode.CATALOG i32 (i32.const 1))
 (global $core-wasm/assembly/layout/CatalogDesc.CAPACITY i32 (i32.const 0))
 (global $core-wasm/assembly/layout/CatalogDesc.COUNT i32 (i32.const 4))
 (global $core-wasm/assembly/layout/CatalogDesc.FEATURES i32 (i32.const 8))
 (global $core-wasm/assembly/layout/CatalogDesc.STORES i32 (i32.const 12))
 (global $core-wasm/assembly/layout/CatalogDesc.VECTORS i32 (i32.const 16))
 (global $core-wasm/assembly/layout/CatalogDesc.TOP_CATEGORY i32 (i32.const 20))
 (global $core-wasm/assembly/layout/CatalogDesc.POPULARITY i32 (i32.const 24))
 (global $core-wasm/assembly/layout/CatalogDesc.LOG_PRICE i32 (i32.const 28))
 (global $core-wasm/assembly/layout/CatalogDesc.MARGIN i32 (i32.const 32))
 (global $core-wasm/assembly/layout/CatalogDesc.STOCK i32 (i32.const 36))
 (global $core-wasm/assembly/layout/CatalogDesc.STORE_STOCK i32 (i32.const 40))
 (global $core-wasm/assembly/layout/CatalogDesc.CHANNELS i32 (i32.const 44))
 (global $core-wasm/assembly/layout/CatalogDesc.BOOST i32 (i32.const 48))
 (global $core-wasm/assembly/layout/CatalogDesc.SIZE i32 (i32.const 64))
 (global $core-wasm/assembly/layout/RequestDesc.CATALOG i32 (i32.const 0))
 (global $core-wasm/assembly/layout/RequestDesc.MODE i32 (i32.const 4))
 (global $core-wasm/assembly/layout/RequestDesc.COUNT_OR_LO i32 (i32.const 8))
 (global $core-wasm/assembly/layout/RequestDesc.RANGE_HI i32 (i32.const 12))
 (global $core-wasm/assembly/layout/RequestDesc.K i32 (i32.const 16))
 (global $core-wasm/assembly/layout/RequestDesc.EXPLAIN i32 (i32.const 20))
 (global $core-wasm/assembly/layout/RequestDesc.STORE_INDEX i32 (i32.const 24))
 (global $core-wasm/assembly/layout/RequestDesc.CHANNEL i32 (i32.const 28))
 (global $core-wasm/assembly/layout/RequestDesc.PERSONALIZE i32 (i32.const 32))
 (global $core-wasm/assembly/layout/RequestDesc.BLOCK_REASON i32 (i32.const 36))
 (global $core-wasm/assembly/layout/RequestDesc.MARGIN_FLOOR i32 (i32.const 40))
 (global $core-wasm/assembly/layout/RequestDesc.W_BASE i32 (i32.const 44))
 (global $core-wasm/assembly/layout/RequestDesc.W_AFFINITY i32 (i32.const 48))
 (global $core-wasm/assembly/layout/RequestDesc.W_PRICE i32 (i32.const 52))
 (global $core-wasm/assembly/layout/RequestDesc.PRICE_SCALE i32 (i32.const 56))
 (global $core-wasm/assembly/layout/RequestDesc.W_MARGIN i32 (i32.const 60))
 (global $core-wasm/assembly/layout/RequestDesc.W_POPULARITY i32 (i32.const 64))
 (global $core-wasm/assembly/layout/RequestDesc.PRICE_ANCHOR i32 (i32.const 68))
 (global $core-wasm/assembly/layout/RequestDesc.DISCOUNT_SENSITIVITY i32 (i32.const 72))
 (global $core-wasm/assembly/layout/RequestDesc.EXCLUSION_COUNT i32 (i32.const 76))
 (global $core-wasm/assembly/layout/RequestDesc.WEIGHTS i32 (i32.const 80))
 (global $core-wasm/assembly/layout/RequestDesc.PROFILE i32 (i32.const 84))
 (global $core-wasm/assembly/layout/RequestDesc.AFFINITY i32 (i32.const 88))
 (global $core-wasm/assembly/layout/RequestDesc.CAND_ITEMS i32 (i32.const 92))
 (global $core-wasm/assembly/layout/RequestDesc.CAND_BASE i32 (i32.const 96))
 (global $core-wasm/assembly/layout/RequestDesc.EXCL_ITEMS i32 (i32.const 100))
 (global $core-wasm/assembly/layout/RequestDesc.EXCL_REASONS i32 (i32.const 104))
 (global $core-wasm/assembly/layout/RequestDesc.OUT_IDX i32 (i32.const 108))
 (global $core-wasm/assembly/layout/RequestDesc.OUT_SCORE i32 (i32.const 112))
 (global $core-wasm/assembly/layout/RequestDesc.OUT_REASONS i32 (i32.const 116))
 (global $core-wasm/assembly/layout/RequestDesc.OUT_EXCL_IDX i32 (i32.const 120))
 (global $core-wasm/assembly/layout/RequestDesc.OUT_EXCL_SCORE i32 (i32.const 124))
 (global $core-wasm/assembly/layout/RequestDesc.OUT_EXCL_REASON i32 (i32.const 128))
 (global $core-wasm/assembly/layout/RequestDesc.OUT_EXCL_COUNT i32 (i32.const 132))
 (global $core-wasm/assembly/layout/RequestDesc.MARKS i32 (i32.const 136))
 (global $core-wasm/assembly/layout/RequestDesc.SCRATCH_QUERY i32 (i32.const 140))
 (global $core-wasm/assembly/layout/RequestDesc.SCRATCH_HEAP i32 (i32.const 144))
 (global $core-wasm/assembly/layout/RequestDesc.SIZE i32 (i32.const 160))
 (global $core-wasm/assembly/heap/ENTRY_BYTES i32 (i32.const 8))
 (table $0 1 1 funcref)
 (elem $0 (i32.const 1))
 (export "kernelAbiVersion" (func $core-wasm/assembly/index/kernelAbiVersion))
 (export "decide" (func $core-wasm/assembly/index/decide))
 (export "memory" (memory $0))
 (func $core-wasm/assembly/index/kernelAbiVersion (result i32)
  i32.const 1
  return
 )
 (func $core-wasm/assembly/score/computeQuery (param $weights i32) (param $profile i32) (param $query i32) (param $bytes i32)
  (local $o i32)
  i32.const 0
  local.set $o
  loop $for-loop|0
   local.get $o
   local.get $bytes
   i32.lt_u
   if
    local.get $query
    local.get $o
    i32.add
    local.get $weights
    local.get $o
    i32.add
    v128.load
    local.get $profile
    local.get $o
    i32.add
    v128.load
    f32x4.mul
    v128.store
    local.get $o
    i32.const 16
    i32.add
    local.set $o
    br $for-loop|0
   end
  end
 )
 (func $core-wasm/assembly/constraints/markExclusions (param $items i32) (param $reasons i32) (param $n i32) (param $count i32) (param $marks i32)
  (local $e i32)
  (local $item i32)
  i32.const 0
  local.set $e
  loop $for-loop|0
   local.get $e
   local.get $n
   i32.lt_u
   if
    block $for-continue|0
     local.get $items
     local.get $e
     i32.const 2
     i32.shl
     i32.add
     i32.load
     local.set $item
     local.get $item
     local.get $count
     i32.ge_u
     if
      br $for-continue|0
     end
     local.get $marks
     local.get $item
     i32.add
     i32.load8_u
     i32.const 0
     i32.eq
     if
      local.get $marks
      local.get $item
      i32.add
      local.get $reasons
      local.get $e
      i32.add
      i32.load8_u
      i32.store8
     end
    end
    local.get $e
    i32.const 1
    i32.add
    local.set $e
    br $for-loop|0
   end
  end
 )
 (func $core-wasm/assembly/heap/siftUp (param $heap i32) (param $size i32) (param $score f32) (param $key i32)
  (local $i i32)
  (local $p i32)
  (local $pScore f32)
  (local $pKey i32)
  (local $aScore f32)
  (local $aKey i32)
  (local $bScore f32)
  (local $bKey i32)
  local.get $size
  local.set $i
  block $while-break|0
   loop $while-continue|0
    local.get $i
    i32.const 0
    i32.gt_u
    if
     local.get $i
     i32.const 1
     i32.sub
     i32.const 1
     i32.shr_u
     local.set $p
     local.get $heap
     local.get $p
     i32.const 3
     i32.shl
     i32.add
     f32.load
     local.set $pScore
     local.get $heap
     local.get $p
     i32.const 3
     i32.shl
     i32.add
     i32.load offset=4
     local.set $pKey
     block $core-wasm/assembly/heap/worse|inlined.0 (result i32)
      local.get $score
      local.set $aScore
      local.get $key
      local.set $aKey
      local.get $pScore
      local.set $bScore
      local.get $pKey
      local.set $bKey
      local.get $aScore
      local.get $bScore
      f32.lt
      if (result i32)
       i32.const 1
      else
       local.get $aScore
       local.get $bScore
       f32.eq
       if (result i32)
        local.get $aKey
        local.get $bKey
        i32.gt_u
       else
        i32.const 0
       end
      end
      br $core-wasm/assembly/heap/worse|inlined.0
     end
     i32.eqz
     if
      br $while-break|0
     end
     local.get $heap
     local.get $i
     i32.const 3
     i32.shl
     i32.add
     local.get $pScore
     f32.store
     local.get $heap
     local.get $i
     i32.const 3
     i32.shl
     i32.add
     local.get $pKey
     i32.store offset=4
     local.get $p
     local.set $i
     br $while-continue|0
    end
   end
  end
  local.get $heap
  local.get $i
  i32.const 3
  i32.shl
  i32.add
  local.get $score
  f32.store
  local.get $heap
  local.get $i
  i32.const 3
  i32.shl
  i32.add
  local.get $key
  i32.store offset=4
 )
 (func $core-wasm/assembly/heap/siftDown (param $heap i32) (param $n i32) (param $score f32) (param $key i32)
  (local $i i32)
  (local $l i32)
  (local $c i32)
  (local $cScore f32)
  (local $cKey i32)
  (local $r i32)
  (local $rScore f32)
  (local $rKey i32)
  (local $aScore f32)
  (local $aKey i32)
  (local $bScore f32)
  (local $bKey i32)
  (local $aScore|16 f32)
  (local $aKey|17 i32)
  (local $bScore|18 f32)
  (local $bKey|19 i32)
  i32.const 0
  local.set $i
  block $while-break|0
   loop $while-continue|0
    i32.const 1
    if
     local.get $i
     i32.const 1
     i32.shl
     i32.const 1
     i32.add
     local.set $l
     local.get $l
     local.get $n
     i32.ge_u
     if
      br $while-break|0
     end
     local.get $l
     local.set $c
     local.get $heap
     local.get $l
     i32.const 3
     i32.shl
     i32.add
     f32.load
     local.set $cScore
     local.get $heap
     local.get $l
     i32.const 3
     i32.shl
     i32.add
     i32.load offset=4
     local.set $cKey
     local.get $l
     i32.const 1
     i32.add
     local.set $r
     local.get $r
     local.get $n
     i32.lt_u
     if
      local.get $heap
      local.get $r
      i32.const 3
      i32.shl
      i32.add
      f32.load
      local.set $rScore
      local.get $heap
      local.get $r
      i32.const 3
      i32.shl
      i32.add
      i32.load offset=4
      local.set $rKey
      block $core-wasm/assembly/heap/worse|inlined.2 (result i32)
       local.get $rScore
       local.set $aScore
       local.get $rKey
       local.set $aKey
       local.get $cScore
       local.set $bScore
       local.get $cKey
       local.set $bKey
       local.get $aScore
       local.get $bScore
       f32.lt
       if (result i32)
        i32.const 1
       else
        local.get $aScore
        local.get $bScore
        f32.eq
        if (result i32)
         local.get $aKey
         local.get $bKey
         i32.gt_u
        else
         i32.const 0
        end
       end
       br $core-wasm/assembly/heap/worse|inlined.2
      end
      if
       local.get $r
       local.set $c
       local.get $rScore
       local.set $cScore
       local.get $rKey
       local.set $cKey
      end
     end
     block $core-wasm/assembly/heap/worse|inlined.3 (result i32)
      local.get $cScore
      local.set $aScore|16
      local.get $cKey
      local.set $aKey|17
      local.get $score
      local.set $bScore|18
      local.get $key
      local.set $bKey|19
      local.get $aScore|16
      local.get $bScore|18
      f32.lt
      if (result i32)
       i32.const 1
      else
       local.get $aScore|16
       local.get $bScore|18
       f32.eq
       if (result i32)
        local.get $aKey|17
        local.get $bKey|19
        i32.gt_u
       else
        i32.const 0
       end
      end
      br $core-wasm/assembly/heap/worse|inlined.3
     end
     i32.eqz
     if
      br $while-break|0
     end
     local.get $heap
     local.get $i
     i32.const 3
     i32.shl
     i32.add
     local.get $cScore
     f32.store
     local.get $heap
     local.get $i
     i32.const 3
     i32.shl
     i32.add
     local.get $cKey
     i32.store offset=4
     local.get $c
     local.set $i
     br $while-continue|0
    end
   end
  end
  local.get $heap
  local.get $i
  i32.const 3
  i32.shl
  i32.add
  local.get $score
  f32.store
  local.get $heap
  local.get $i
  i32.const 3
  i32.shl
  i32.add
  local.get $key
  i32.store offset=4
 )
 (func $core-wasm/assembly/heap/heapDrain (param $heap i32) (param $size i32) (param $outKey i32) (param $outScore i32) (param $outReason i32)
  (local $n i32)
  (local $score f32)
  (local $key i32)
  (local $lastScore f32)
  (local $lastKey i32)
  local.get $size
  local.set $n
  loop $while-continue|0
   local.get $n
   i32.const 0
   i32.gt_u
   if
    local.get $n
    i32.const 1
    i32.sub
    local.set $n
    local.get $heap
    f32.load
    local.set $score
    local.get $heap
    i32.load offset=4
    local.set $key
    local.get $outReason
    i32.const 0
    i32.ne
    if
     local.get $outKey
     local.get $n
     i32.const 2
     i32.shl
     i32.add
     local.get $key
     i32.const 3
     i32.shr_u
     i32.store
     local.get $outReason
     local.get $n
     i32.add
     local.get $key
     i32.const 7
     i32.and
     i32.store8
    else
     local.get $outKey
     local.get $n
     i32.const 2
     i32.shl
     i32.add
     local.get $key
     i32.store
    end
    local.get $outScore
    local.get $n
    i32.const 2
    i32.shl
    i32.add
    local.get $score
    f32.store
    local.get $n
    i32.const 0
    i32.gt_u
    if
     local.get $heap
     local.get $n
     i32.const 3
     i32.shl
     i32.add
     f32.load
     local.set $lastScore
     local.get $heap
     local.get $n
     i32.const 3
     i32.shl
     i32.add
     i32.load offset=4
     local.set $lastKey
     local.get $heap
     local.get $n
     local.get $lastScore
     local.get $lastKey
     call $core-wasm/assembly/heap/siftDown
    end
    br $while-continue|0
   end
  end
 )
 (func $core-wasm/assembly/constraints/clearExclusions (param $items i32) (param $n i32) (param $count i32) (param $marks i32)
  (local $e i32)
  (local $item i32)
  i32.const 0
  local.set $e
  loop $for-loop|0
   local.get $e
   local.get $n
   i32.lt_u
   if
    local.get $items
    local.get $e
    i32.const 2
    i32.shl
    i32.add
    i32.load
    local.set $item
    local.get $item
    local.get $count
    i32.lt_u
    if
     local.get $marks
     local.get $item
     i32.add
     i32.const 0
     i32.store8
    end
    local.get $e
    i32.const 1
    i32.add
    local.set $e
    br $for-loop|0
   end
  end
 )
 (func $core-wasm/assembly/index/decide (param $req i32) (result i32)
  (local $cat i32)
  (local $count i32)
  (local $features i32)
  (local $stores i32)
  (local $vectors i32)
  (local $topCategory i32)
  (local $popularity i32)
  (local $logPrice i32)
  (local $margins i32)
  (local $stock i32)
  (local $storeStock i32)
  (local $channels i32)
  (local $boost i32)
  (local $mode i32)
  (local $15 i32)
  (local $16 i32)
  (local $k i32)
  (local $explain i32)
  (local $storeIndex i32)
  (local $channel i32)
  (local $personalize i32)
  (local $blockReason i32)
  (local $marginFloor f32)
  (local $wBase f32)
  (local $wAff f32)
  (local $wPrice f32)
  (local $priceScale f32)
  (local $wMargin f32)
  (local $wPop f32)
  (local $anchor f32)
  (local $oneMinusDs f32)
  (local $exclCount i32)
  (local $exclItems i32)
  (local $affinity i32)
  (local $outIdx i32)
  (local $outScore i32)
  (local $marks i32)
  (local $query i32)
  (local $heap i32)
  (local $excludedHeap i32)
  (local $rowBytes i32)
  (local $dotBytes i32)
  (local $kept i32)
  (local $excluded i32)
  (local $pending i32)
  (local $p0 i32)
  (local $p1 i32)
  (local $p2 i32)
  (local $lo i32)
  (local $50 i32)
  (local $51 i32)
  (local $hi i32)
  (local $i i32)
  (local $item i32)
  (local $blockReason|55 i32)
  (local $channels|56 i32)
  (local $channel|57 i32)
  (local $stock|58 i32)
  (local $storeStock|59 i32)
  (local $stores|60 i32)
  (local $storeIndex|61 i32)
  (local $margins|62 i32)
  (local $marginFloor|63 f32)
  (local $marks|64 i32)
  (local $reason i32)
  (local $key i32)
  (local $vectors|67 i32)
  (local $item|68 i32)
  (local $rowBytes|69 i32)
  (local $vectors|70 i32)
  (local $item|71 i32)
  (local $rowBytes|72 i32)
  (local $vectors|73 i32)
  (local $item|74 i32)
  (local $rowBytes|75 i32)
  (local $vectors|76 i32)
  (local $item|77 i32)
  (local $rowBytes|78 i32)
  (local $query|79 i32)
  (local $v0 i32)
  (local $v1 i32)
  (local $v2 i32)
  (local $v3 i32)
  (local $bytes i32)
  (local $a0 v128)
  (local $a1 v128)
  (local $a2 v128)
  (local $a3 v128)
  (local $o i32)
  (local $q v128)
  (local $s01 v128)
  (local $s23 v128)
  (local $dots v128)
  (local $t i32)
  (local $tk i32)
  (local $item|96 i32)
  (local $dots|97 v128)
  (local $t|98 i32)
  (local $item|99 i32)
  (local $base f32)
  (local $dot f32)
  (local $personalize|102 i32)
  (local $wBase|103 f32)
  (local $wPop|104 f32)
  (local $popularity|105 i32)
  (local $boost|106 i32)
  (local $wAff|107 f32)
  (local $affinity|108 i32)
  (local $topCategory|109 i32)
  (local $wPrice|110 f32)
  (local $logPrice|111 i32)
  (local $anchor|112 f32)
  (local $priceScale|113 f32)
  (local $wMargin|114 f32)
  (local $margins|115 i32)
  (local $oneMinusDs|116 f32)
  (local $wBase|117 f32)
  (local $base|118 f32)
  (local $wPop|119 f32)
  (local $popularity|120 f32)
  (local $boost|121 f32)
  (local $common f32)
  (local $slot i32)
  (local $dot|124 f32)
  (local $wAff|125 f32)
  (local $affinity|126 f32)
  (local $wPrice|127 f32)
  (local $logPrice|128 f32)
  (local $anchor|129 f32)
  (local $priceScale|130 f32)
  (local $wMargin|131 f32)
  (local $margin f32)
  (local $oneMinusDs|133 f32)
  (local $pf f32)
  (local $personal f32)
  (local $s f32)
  (local $heap|137 i32)
  (local $size i32)
  (local $cap i32)
  (local $score f32)
  (local $key|141 i32)
  (local $aScore f32)
  (local $aKey i32)
  (local $bScore f32)
  (local $bKey i32)
  (local $heap|146 i32)
  (local $size|147 i32)
  (local $cap|148 i32)
  (local $score|149 f32)
  (local $key|150 i32)
  (local $aScore|151 f32)
  (local $aKey|152 i32)
  (local $bScore|153 f32)
  (local $bKey|154 i32)
  (local $t|155 i32)
  (local $tk|156 i32)
  (local $item|157 i32)
  (local $vectors|158 i32)
  (local $item|159 i32)
  (local $rowBytes|160 i32)
  (local $query|161 i32)
  (local $vec i32)
  (local $bytes|163 i32)
  (local $acc v128)
  (local $o|165 i32)
  (local $a v128)
  (local $item|167 i32)
  (local $base|168 f32)
  (local $dot|169 f32)
  (local $personalize|170 i32)
  (local $wBase|171 f32)
  (local $wPop|172 f32)
  (local $popularity|173 i32)
  (local $boost|174 i32)
  (local $wAff|175 f32)
  (local $affinity|176 i32)
  (local $topCategory|177 i32)
  (local $wPrice|178 f32)
  (local $logPrice|179 i32)
  (local $anchor|180 f32)
  (local $priceScale|181 f32)
  (local $wMargin|182 f32)
  (local $margins|183 i32)
  (local $oneMinusDs|184 f32)
  (local $wBase|185 f32)
  (local $base|186 f32)
  (local $wPop|187 f32)
  (local $popularity|188 f32)
  (local $boost|189 f32)
  (local $common|190 f32)
  (local $slot|191 i32)
  (local $dot|192 f32)
  (local $wAff|193 f32)
  (local $affinity|194 f32)
  (local $wPrice|195 f32)
  (local $logPrice|196 f32)
  (local $anchor|197 f32)
  (local $priceScale|198 f32)
  (local $wMargin|199 f32)
  (local $margin|200 f32)
  (local $oneMinusDs|201 f32)
  (local $pf|202 f32)
  (local $personal|203 f32)
  (local $s|204 f32)
  (local $heap|205 i32)
  (local $size|206 i32)
  (local $cap|207 i32)
  (local $score|208 f32)
  (local $key|209 i32)
  (local $aScore|210 f32)
  (local $aKey|211 i32)
  (local $bScore|212 f32)
  (local $bKey|213 i32)
  (local $heap|214 i32)
  (local $size|215 i32)
  (local $cap|216 i32)
  (local $score|217 f32)
  (local $key|218 i32)
  (local $aScore|219 f32)
  (local $aKey|220 i32)
  (local $bScore|221 f32)
  (local $bKey|222 i32)
  (local $n i32)
  (local $candItems i32)
  (local $candBase i32)
  (local $outReasons i32)
  (local $j i32)
  (local $item|228 i32)
  (local $item|229 i32)
  (local $blockReason|230 i32)
  (local $channels|231 i32)
  (local $channel|232 i32)
  (local $stock|233 i32)
  (local $storeStock|234 i32)
  (local $stores|235 i32)
  (local $storeIndex|236 i32)
  (local $margins|237 i32)
  (local $marginFloor|238 f32)
  (local $marks|239 i32)
  (local $reason|240 i32)
  (local $vectors|241 i32)
  (local $item|242 i32)
  (local $rowBytes|243 i32)
  (local $vectors|244 i32)
  (local $item|245 i32)
  (local $rowBytes|246 i32)
  (local $vectors|247 i32)
  (local $item|248 i32)
  (local $rowBytes|249 i32)
  (local $vectors|250 i32)
  (local $item|251 i32)
  (local $rowBytes|252 i32)
  (local $query|253 i32)
  (local $v0|254 i32)
  (local $v1|255 i32)
  (local $v2|256 i32)
  (local $v3|257 i32)
  (local $bytes|258 i32)
  (local $a0|259 v128)
  (local $a1|260 v128)
  (local $a2|261 v128)
  (local $a3|262 v128)
  (local $o|263 i32)
  (local $q|264 v128)
  (local $s01|265 v128)
  (local $s23|266 v128)
  (local $dots|267 v128)
  (local $t|268 i32)
  (local $pos i32)
  (local $dots|270 v128)
  (local $t|271 i32)
  (local $item|272 i32)
  (local $base|273 f32)
  (local $dot|274 f32)
  (local $personalize|275 i32)
  (local $wBase|276 f32)
  (local $wPop|277 f32)
  (local $popularity|278 i32)
  (local $boost|279 i32)
  (local $wAff|280 f32)
  (local $affinity|281 i32)
  (local $topCategory|282 i32)
  (local $wPrice|283 f32)
  (local $logPrice|284 i32)
  (local $anchor|285 f32)
  (local $priceScale|286 f32)
  (local $wMargin|287 f32)
  (local $margins|288 i32)
  (local $oneMinusDs|289 f32)
  (local $wBase|290 f32)
  (local $base|291 f32)
  (local $wPop|292 f32)
  (local $popularity|293 f32)
  (local $boost|294 f32)
  (local $common|295 f32)
  (local $slot|296 i32)
  (local $dot|297 f32)
  (local $wAff|298 f32)
  (local $affinity|299 f32)
  (local $wPrice|300 f32)
  (local $logPrice|301 f32)
  (local $anchor|302 f32)
  (local $priceScale|303 f32)
  (local $wMargin|304 f32)
  (local $margin|305 f32)
  (local $oneMinusDs|306 f32)
  (local $pf|307 f32)
  (local $personal|308 f32)
  (local $s|309 f32)
  (local $heap|310 i32)
  (local $size|311 i32)
  (local $cap|312 i32)
  (local $score|313 f32)
  (local $key|314 i32)
  (local $aScore|315 f32)
  (local $aKey|316 i32)
  (local $bScore|317 f32)
  (local $bKey|318 i32)
  (local $t|319 i32)
  (local $pos|320 i32)
  (local $item|321 i32)
  (local $vectors|322 i32)
  (local $item|323 i32)
  (local $rowBytes|324 i32)
  (local $query|325 i32)
  (local $vec|326 i32)
  (local $bytes|327 i32)
  (local $acc|328 v128)
  (local $o|329 i32)
  (local $a|330 v128)
  (local $item|331 i32)
  (local $base|332 f32)
  (local $dot|333 f32)
  (local $personalize|334 i32)
  (local $wBase|335 f32)
  (local $wPop|336 f32)
  (local $popularity|337 i32)
  (local $boost|338 i32)
  (local $wAff|339 f32)
  (local $affinity|340 i32)
  (local $topCategory|341 i32)
  (local $wPrice|342 f32)
  (local $logPrice|343 i32)
  (local $anchor|344 f32)
  (local $priceScale|345 f32)
  (local $wMargin|346 f32)
  (local $margins|347 i32)
  (local $oneMinusDs|348 f32)
  (local $wBase|349 f32)
  (local $base|350 f32)
  (local $wPop|351 f32)
  (local $popularity|352 f32)
  (local $boost|353 f32)
  (local $common|354 f32)
  (local $slot|355 i32)
  (local $dot|356 f32)
  (local $wAff|357 f32)
  (local $affinity|358 f32)
  (local $wPrice|359 f32)
  (local $logPrice|360 f32)
  (local $anchor|361 f32)
  (local $priceScale|362 f32)
  (local $wMargin|363 f32)
  (local $margin|364 f32)
  (local $oneMinusDs|365 f32)
  (local $pf|366 f32)
  (local $personal|367 f32)
  (local $s|368 f32)
  (local $heap|369 i32)
  (local $size|370 i32)
  (local $cap|371 i32)
  (local $score|372 f32)
  (local $key|373 i32)
  (local $aScore|374 f32)
  (local $aKey|375 i32)
  (local $bScore|376 f32)
  (local $bKey|377 i32)
  local.get $req
  i32.load
  local.set $cat
  local.get $cat
  i32.load offset=4
  local.set $count
  local.get $cat
  i32.load offset=8
  local.set $features
  local.get $cat
  i32.load offset=12
  local.set $stores
  local.get $cat
  i32.load offset=16
  local.set $vectors
  local.get $cat
  i32.load offset=20
  local.set $topCategory
  local.get $cat
  i32.load offset=24
  local.set $popularity
  local.get $cat
  i32.load offset=28
  local.set $logPrice
  local.get $cat
  i32.load offset=32
  local.set $margins
  local.get $cat
  i32.load offset=36
  local.set $stock
  local.get $cat
  i32.load offset=40
  local.set $storeStock
  local.get $cat
  i32.load offset=44
  local.set $channels
  local.get $cat
  i32.load offset=48
  local.set $boost
  local.get $req
  i32.load offset=4
  local.set $mode
  local.get $req
  i32.load offset=16
  local.tee $15
  global.get $core-wasm/assembly/layout/MAX_TOP_K
  local.tee $16
  local.get $15
  local.get $16
  i32.lt_u
  select
  local.set $k
  local.get $req
  i32.load offset=20
  i32.const 0
  i32.ne
  local.set $explain
  local.get $req
  i32.load offset=24
  local.set $storeIndex
  local.get $req
  i32.load offset=28
  local.set $channel
  local.get $req
  i32.load offset=32
  i32.const 0
  i32.ne
  local.set $personalize
  local.get $req
  i32.load offset=36
  local.set $blockReason
  local.get $req
  f32.load offset=40
  local.set $marginFloor
  local.get $req
  f32.load offset=44
  local.set $wBase
  local.get $req
  f32.load offset=48
  local.set $wAff
  local.get $req
  f32.load offset=52
  local.set $wPrice
  local.get $req
  f32.load offset=56
  local.set $priceScale
  local.get $req
  f32.load offset=60
  local.set $wMargin
  local.get $req
  f32.load offset=64
  local.set $wPop
  local.get $req
  f32.load offset=68
  local.set $anchor
  f32.const 1
  local.get $req
  f32.load offset=72
  f32.sub
  local.set $oneMinusDs
  local.get $req
  i32.load offset=76
  local.set $exclCount
  local.get $req
  i32.load offset=100
  local.set $exclItems
  local.get $req
  i32.load offset=88
  local.set $affinity
  local.get $req
  i32.load offset=108
  local.set $outIdx
  local.get $req
  i32.load offset=112
  local.set $outScore
  local.get $req
  i32.load offset=136
  local.set $marks
  local.get $req
  i32.load offset=140
  local.set $query
  local.get $req
  i32.load offset=144
  local.set $heap
  local.get $heap
  local.get $k
  global.get $core-wasm/assembly/heap/ENTRY_BYTES
  i32.mul
  i32.add
  local.set $excludedHeap
  local.get $features
  i32.const 2
  i32.shl
  local.set $rowBytes
  local.get $features
  i32.const 2
  i32.shr_u
  i32.const 4
  i32.shl
  local.set $dotBytes
  local.get $personalize
  if
   local.get $req
   i32.load offset=80
   local.get $req
   i32.load offset=84
   local.get $query
   local.get $dotBytes
   call $core-wasm/assembly/score/computeQuery
  end
  local.get $exclItems
  local.get $req
  i32.load offset=104
  local.get $exclCount
  local.get $count
  local.get $marks
  call $core-wasm/assembly/constraints/markExclusions
  i32.const 0
  local.set $kept
  i32.const 0
  local.set $excluded
  i32.const 0
  local.set $pending
  i32.const 0
  local.set $p0
  i32.const 0
  local.set $p1
  i32.const 0
  local.set $p2
  local.get $mode
  global.get $core-wasm/assembly/layout/Mode.CATALOG
  i32.eq
  if
   local.get $req
   i32.load offset=8
   local.set $lo
   local.get $req
   i32.load offset=12
   local.tee $50
   local.get $count
   local.tee $51
   local.get $50
   local.get $51
   i32.lt_u
   select
   local.set $hi
   local.get $lo
   local.set $i
   loop $for-loop|0
    local.get $i
    local.get $hi
    i32.lt_u
    if
     block $for-continue|0
      block $core-wasm/assembly/constraints/checkItem|inlined.0 (result i32)
       local.get $i
       local.set $item
       local.get $blockReason
       local.set $blockReason|55
       local.get $channels
       local.set $channels|56
       local.get $channel
       local.set $channel|57
       local.get $stock
       local.set $stock|58
       local.get $storeStock
       local.set $storeStock|59
       local.get $stores
       local.set $stores|60
       local.get $storeIndex
       local.set $storeIndex|61
       local.get $margins
       local.set $margins|62
       local.get $marginFloor
       local.set $marginFloor|63
       local.get $marks
       local.set $marks|64
       local.get $blockReason|55
       i32.const 0
       i32.ne
       if
        local.get $blockReason|55
        br $core-wasm/assembly/constraints/checkItem|inlined.0
       end
       local.get $channels|56
       local.get $item
       i32.add
       i32.load8_u
       local.get $channel|57
       i32.shr_u
       i32.const 1
       i32.and
       i32.const 0
       i32.eq
       if
        global.get $core-wasm/assembly/layout/Reason.INELIGIBLE
        br $core-wasm/assembly/constraints/checkItem|inlined.0
       end
       local.get $stock|58
       local.get $item
       i32.const 2
       i32.shl
       i32.add
       i32.load
       i32.const 0
       i32.le_s
       if
        global.get $core-wasm/assembly/layout/Reason.OUT_OF_STOCK
        br $core-wasm/assembly/constraints/checkItem|inlined.0
       end
       local.get $storeIndex|61
       local.get $stores|60
       i32.lt_u
       if (result i32)
        local.get $storeStock|59
        local.get $item
        local.get $stores|60
        i32.mul
        local.get $storeIndex|61
        i32.add
        i32.const 1
        i32.shl
        i32.add
        i32.load16_u
        i32.const 0
        i32.eq
       else
        i32.const 0
       end
       if
        global.get $core-wasm/assembly/layout/Reason.OUT_OF_STOCK
        br $core-wasm/assembly/constraints/checkItem|inlined.0
       end
       local.get $margins|62
       local.get $item
       i32.const 2
       i32.shl
       i32.add
       f32.load
       local.get $marginFloor|63
       f32.lt
       if
        global.get $core-wasm/assembly/layout/Reason.BELOW_MARGIN_FLOOR
        br $core-wasm/assembly/constraints/checkItem|inlined.0
       end
       local.get $marks|64
       local.get $item
       i32.add
       i32.load8_u
       br $core-wasm/assembly/constraints/checkItem|inlined.0
      end
      local.set $reason
      local.get $reason
      global.get $core-wasm/assembly/layout/Reason.KEPT
      i32.ne
      if (result i32)
       local.get $explain
       i32.eqz
      else
       i32.const 0
      end
      if
       br $for-continue|0
      end
      local.get $i
      i32.const 3
      i32.shl
      local.get $reason
      i32.const 7
      i32.and
      i32.or
      local.set $key
      local.get $pending
      i32.const 3
      i32.lt_u
      if
       local.get $pending
       i32.const 0
       i32.eq
       if
        local.get $key
        local.set $p0
       else
        local.get $pending
        i32.const 1
        i32.eq
        if
         local.get $key
         local.set $p1
        else
         local.get $key
         local.set $p2
        end
       end
       local.get $pending
       i32.const 1
       i32.add
       local.set $pending
       br $for-continue|0
      end
      local.get $personalize
      if (result v128)
       block $core-wasm/assembly/score/dot4|inlined.0 (result v128)
        local.get $query
        local.set $query|79
        block $core-wasm/assembly/index/row|inlined.0 (result i32)
         local.get $vectors
         local.set $vectors|67
         local.get $p0
         i32.const 3
         i32.shr_u
         local.set $item|68
         local.get $rowBytes
         local.set $rowBytes|69
         local.get $vectors|67
         local.get $item|68
         local.get $rowBytes|69
         i32.mul
         i32.add
         br $core-wasm/assembly/index/row|inlined.0
        end
        local.set $v0
        block $core-wasm/assembly/index/row|inlined.1 (result i32)
         local.get $vectors
         local.set $vectors|70
         local.get $p1
         i32.const 3
         i32.shr_u
         local.set $item|71
         local.get $rowBytes
         local.set $rowBytes|72
         local.get $vectors|70
         local.get $item|71
         local.get $rowBytes|72
         i32.mul
         i32.add
         br $core-wasm/assembly/index/row|inlined.1
        end
        local.set $v1
        block $core-wasm/assembly/index/row|inlined.2 (result i32)
         local.get $vectors
         local.set $vectors|73
         local.get $p2
         i32.const 3
         i32.shr_u
         local.set $item|74
         local.get $rowBytes
         local.set $rowBytes|75
         local.get $vectors|73
         local.get $item|74
         local.get $rowBytes|75
         i32.mul
         i32.add
         br $core-wasm/assembly/index/row|inlined.2
        end
        local.set $v2
        block $core-wasm/assembly/index/row|inlined.3 (result i32)
         local.get $vectors
         local.set $vectors|76
         local.get $i
         local.set $item|77
         local.get $rowBytes
         local.set $rowBytes|78
         local.get $vectors|76
         local.get $item|77
         local.get $rowBytes|78
         i32.mul
         i32.add
         br $core-wasm/assembly/index/row|inlined.3
        end
        local.set $v3
        local.get $dotBytes
        local.set $bytes
        f32.const 0
        f32x4.splat
        local.set $a0
        f32.const 0
        f32x4.splat
        local.set $a1
        f32.const 0
        f32x4.splat
        local.set $a2
        f32.const 0
        f32x4.splat
        local.set $a3
        i32.const 0
        local.set $o
        loop $for-loop|1
         local.get $o
         local.get $bytes
         i32.lt_u
         if
          local.get $query|79
          local.get $o
          i32.add
          v128.load
          local.set $q
          local.get $a0
          local.get $q
          local.get $v0
          local.get $o
          i32.add
          v128.load
          f32x4.mul
          f32x4.add
          local.set $a0
          local.get $a1
          local.get $q
          local.get $v1
          local.get $o
          i32.add
          v128.load
          f32x4.mul
          f32x4.add
          local.set $a1
          local.get $a2
          local.get $q
          local.get $v2
          local.get $o
          i32.add
          v128.load
          f32x4.mul
          f32x4.add
          local.set $a2
          local.get $a3
          local.get $q
          local.get $v3
          local.get $o
          i32.add
          v128.load
          f32x4.mul
          f32x4.add
          local.set $a3
          local.get $o
          i32.const 16
          i32.add
          local.set $o
          br $for-loop|1
         end
        end
        local.get $a0
        local.get $a1
        i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
        local.get $a0
        local.get $a1
        i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
        f32x4.add
        local.set $s01
        local.get $a2
        local.get $a3
        i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
        local.get $a2
        local.get $a3
        i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
        f32x4.add
        local.set $s23
        local.get $s01
        local.get $s23
        i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
        local.get $s01
        local.get $s23
        i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
        f32x4.add
        br $core-wasm/assembly/score/dot4|inlined.0
       end
      else
       f32.const 0
       f32x4.splat
      end
      local.set $dots
      i32.const 0
      local.set $t
      loop $for-loop|2
       local.get $t
       i32.const 4
       i32.lt_u
       if
        local.get $t
        i32.const 0
        i32.eq
        if (result i32)
         local.get $p0
        else
         local.get $t
         i32.const 1
         i32.eq
         if (result i32)
          local.get $p1
         else
          local.get $t
          i32.const 2
          i32.eq
          if (result i32)
           local.get $p2
          else
           local.get $key
          end
         end
        end
        local.set $tk
        local.get $tk
        i32.const 3
        i32.shr_u
        local.set $item|96
        block $core-wasm/assembly/index/itemScore|inlined.0 (result f32)
         local.get $item|96
         local.set $item|99
         f32.const 0
         local.set $base
         block $core-wasm/assembly/index/lane|inlined.0 (result f32)
          local.get $dots
          local.set $dots|97
          local.get $t
          local.set $t|98
          local.get $t|98
          i32.const 0
          i32.eq
          if (result f32)
           local.get $dots|97
           f32x4.extract_lane 0
          else
           local.get $t|98
           i32.const 1
           i32.eq
           if (result f32)
            local.get $dots|97
            f32x4.extract_lane 1
           else
            local.get $t|98
            i32.const 2
            i32.eq
            if (result f32)
             local.get $dots|97
             f32x4.extract_lane 2
            else
             local.get $dots|97
             f32x4.extract_lane 3
            end
           end
          end
          br $core-wasm/assembly/index/lane|inlined.0
         end
         local.set $dot
         local.get $personalize
         local.set $personalize|102
         local.get $wBase
         local.set $wBase|103
         local.get $wPop
         local.set $wPop|104
         local.get $popularity
         local.set $popularity|105
         local.get $boost
         local.set $boost|106
         local.get $wAff
         local.set $wAff|107
         local.get $affinity
         local.set $affinity|108
         local.get $topCategory
         local.set $topCategory|109
         local.get $wPrice
         local.set $wPrice|110
         local.get $logPrice
         local.set $logPrice|111
         local.get $anchor
         local.set $anchor|112
         local.get $priceScale
         local.set $priceScale|113
         local.get $wMargin
         local.set $wMargin|114
         local.get $margins
         local.set $margins|115
         local.get $oneMinusDs
         local.set $oneMinusDs|116
         block $core-wasm/assembly/score/commonScore|inlined.0 (result f32)
          local.get $wBase|103
          local.set $wBase|117
          local.get $base
          local.set $base|118
          local.get $wPop|104
          local.set $wPop|119
          local.get $popularity|105
          local.get $item|99
          i32.const 2
          i32.shl
          i32.add
          f32.load
          local.set $popularity|120
          local.get $boost|106
          local.get $item|99
          i32.const 2
          i32.shl
          i32.add
          f32.load
          local.set $boost|121
          local.get $wBase|117
          local.get $base|118
          f32.mul
          local.get $wPop|119
          local.get $popularity|120
          f32.mul
          f32.add
          local.get $boost|121
          f32.add
          br $core-wasm/assembly/score/commonScore|inlined.0
         end
         local.set $common
         local.get $personalize|102
         i32.eqz
         if
          local.get $common
          br $core-wasm/assembly/index/itemScore|inlined.0
         end
         local.get $topCategory|109
         local.get $item|99
         i32.add
         i32.load8_u
         global.get $core-wasm/assembly/layout/CATEGORY_SLOTS
         i32.const 1
         i32.sub
         i32.and
         local.set $slot
         block $core-wasm/assembly/score/personalScore|inlined.0 (result f32)
          local.get $dot
          local.set $dot|124
          local.get $wAff|107
          local.set $wAff|125
          local.get $affinity|108
          local.get $slot
          i32.const 2
          i32.shl
          i32.add
          f32.load
          local.set $affinity|126
          local.get $wPrice|110
          local.set $wPrice|127
          local.get $logPrice|111
          local.get $item|99
          i32.const 2
          i32.shl
          i32.add
          f32.load
          local.set $logPrice|128
          local.get $anchor|112
          local.set $anchor|129
          local.get $priceScale|113
          local.set $priceScale|130
          local.get $wMargin|114
          local.set $wMargin|131
          local.get $margins|115
          local.get $item|99
          i32.const 2
          i32.shl
          i32.add
          f32.load
          local.set $margin
          local.get $oneMinusDs|116
          local.set $oneMinusDs|133
          f32.const 1
          f32.const 1
          local.get $logPrice|128
          local.get $anchor|129
          f32.sub
          f32.abs
          local.get $priceScale|130
          f32.mul
          f32.add
          f32.div
          local.set $pf
          local.get $dot|124
          local.get $wAff|125
          local.get $affinity|126
          f32.mul
          f32.add
          local.get $wPrice|127
          local.get $pf
          f32.mul
          f32.add
          local.get $wMargin|131
          local.get $margin
          f32.mul
          local.get $oneMinusDs|133
          f32.mul
          f32.add
          br $core-wasm/assembly/score/personalScore|inlined.0
         end
         local.set $personal
         local.get $personal
         local.get $common
         f32.add
         br $core-wasm/assembly/index/itemScore|inlined.0
        end
        local.set $s
        local.get $tk
        i32.const 7
        i32.and
        global.get $core-wasm/assembly/layout/Reason.KEPT
        i32.eq
        if
         block $core-wasm/assembly/heap/heapOffer|inlined.0 (result i32)
          local.get $heap
          local.set $heap|137
          local.get $kept
          local.set $size
          local.get $k
          local.set $cap
          local.get $s
          local.set $score
          local.get $tk
          i32.const 3
          i32.shr_u
          local.set $key|141
          local.get $size
          local.get $cap
          i32.lt_u
          if
           local.get $heap|137
           local.get $size
           local.get $score
           local.get $key|141
           call $core-wasm/assembly/heap/siftUp
           local.get $size
           i32.const 1
           i32.add
           br $core-wasm/assembly/heap/heapOffer|inlined.0
          end
          local.get $cap
          i32.const 0
          i32.ne
          if (result i32)
           block $core-wasm/assembly/heap/worse|inlined.1 (result i32)
            local.get $heap|137
            f32.load
            local.set $aScore
            local.get $heap|137
            i32.load offset=4
            local.set $aKey
            local.get $score
            local.set $bScore
            local.get $key|141
            local.set $bKey
            local.get $aScore
            local.get $bScore
            f32.lt
            if (result i32)
             i32.const 1
            else
             local.get $aScore
             local.get $bScore
             f32.eq
             if (result i32)
              local.get $aKey
              local.get $bKey
              i32.gt_u
             else
              i32.const 0
             end
            end
            br $core-wasm/assembly/heap/worse|inlined.1
           end
          else
           i32.const 0
          end
          if
           local.get $heap|137
           local.get $cap
           local.get $score
           local.get $key|141
           call $core-wasm/assembly/heap/siftDown
          end
          local.get $size
          br $core-wasm/assembly/heap/heapOffer|inlined.0
         end
         local.set $kept
        else
         block $core-wasm/assembly/heap/heapOffer|inlined.1 (result i32)
          local.get $excludedHeap
          local.set $heap|146
          local.get $excluded
          local.set $size|147
          local.get $k
          local.set $cap|148
          local.get $s
          local.set $score|149
          local.get $tk
          local.set $key|150
          local.get $size|147
          local.get $cap|148
          i32.lt_u
          if
           local.get $heap|146
           local.get $size|147
           local.get $score|149
           local.get $key|150
           call $core-wasm/assembly/heap/siftUp
           local.get $size|147
           i32.const 1
           i32.add
           br $core-wasm/assembly/heap/heapOffer|inlined.1
          end
          local.get $cap|148
          i32.const 0
          i32.ne
          if (result i32)
           block $core-wasm/assembly/heap/worse|inlined.4 (result i32)
            local.get $heap|146
            f32.load
            local.set $aScore|151
            local.get $heap|146
            i32.load offset=4
            local.set $aKey|152
            local.get $score|149
            local.set $bScore|153
            local.get $key|150
            local.set $bKey|154
            local.get $aScore|151
            local.get $bScore|153
            f32.lt
            if (result i32)
             i32.const 1
            else
             local.get $aScore|151
             local.get $bScore|153
             f32.eq
             if (result i32)
              local.get $aKey|152
              local.get $bKey|154
              i32.gt_u
             else
              i32.const 0
             end
            end
            br $core-wasm/assembly/heap/worse|inlined.4
           end
          else
           i32.const 0
          end
          if
           local.get $heap|146
           local.get $cap|148
           local.get $score|149
           local.get $key|150
           call $core-wasm/assembly/heap/siftDown
          end
          local.get $size|147
          br $core-wasm/assembly/heap/heapOffer|inlined.1
         end
         local.set $excluded
        end
        local.get $t
        i32.const 1
        i32.add
        local.set $t
        br $for-loop|2
       end
      end
      i32.const 0
      local.set $pending
     end
     local.get $i
     i32.const 1
     i32.add
     local.set $i
     br $for-loop|0
    end
   end
   i32.const 0
   local.set $t|155
   loop $for-loop|3
    local.get $t|155
    local.get $pending
    i32.lt_u
    if
     local.get $t|155
     i32.const 0
     i32.eq
     if (result i32)
      local.get $p0
     else
      local.get $t|155
      i32.const 1
      i32.eq
      if (result i32)
       local.get $p1
      else
       local.get $p2
      end
     end
     local.set $tk|156
     local.get $tk|156
     i32.const 3
     i32.shr_u
     local.set $item|157
     block $core-wasm/assembly/index/itemScore|inlined.1 (result f32)
      local.get $item|157
      local.set $item|167
      f32.const 0
      local.set $base|168
      local.get $personalize
      if (result f32)
       block $core-wasm/assembly/score/dot1|inlined.0 (result f32)
        local.get $query
        local.set $query|161
        block $core-wasm/assembly/index/row|inlined.4 (result i32)
         local.get $vectors
         local.set $vectors|158
         local.get $tk|156
         i32.const 3
         i32.shr_u
         local.set $item|159
         local.get $rowBytes
         local.set $rowBytes|160
         local.get $vectors|158
         local.get $item|159
         local.get $rowBytes|160
         i32.mul
         i32.add
         br $core-wasm/assembly/index/row|inlined.4
        end
        local.set $vec
        local.get $dotBytes
        local.set $bytes|163
        f32.const 0
        f32x4.splat
        local.set $acc
        i32.const 0
        local.set $o|165
        loop $for-loop|4
         local.get $o|165
         local.get $bytes|163
         i32.lt_u
         if
          local.get $acc
          local.get $query|161
          local.get $o|165
          i32.add
          v128.load
          local.get $vec
          local.get $o|165
          i32.add
          v128.load
          f32x4.mul
          f32x4.add
          local.set $acc
          local.get $o|165
          i32.const 16
          i32.add
          local.set $o|165
          br $for-loop|4
         end
        end
        block $core-wasm/assembly/score/laneSum|inlined.0 (result f32)
         local.get $acc
         local.set $a
         local.get $a
         f32x4.extract_lane 0
         local.get $a
         f32x4.extract_lane 1
         f32.add
         local.get $a
         f32x4.extract_lane 2
         local.get $a
         f32x4.extract_lane 3
         f32.add
         f32.add
         br $core-wasm/assembly/score/laneSum|inlined.0
        end
        br $core-wasm/assembly/score/dot1|inlined.0
       end
      else
       f32.const 0
      end
      local.set $dot|169
      local.get $personalize
      local.set $personalize|170
      local.get $wBase
      local.set $wBase|171
      local.get $wPop
      local.set $wPop|172
      local.get $popularity
      local.set $popularity|173
      local.get $boost
      local.set $boost|174
      local.get $wAff
      local.set $wAff|175
      local.get $affinity
      local.set $affinity|176
      local.get $topCategory
      local.set $topCategory|177
      local.get $wPrice
      local.set $wPrice|178
      local.get $logPrice
      local.set $logPrice|179
      local.get $anchor
      local.set $anchor|180
      local.get $priceScale
      local.set $priceScale|181
      local.get $wMargin
      local.set $wMargin|182
      local.get $margins
      local.set $margins|183
      local.get $oneMinusDs
      local.set $oneMinusDs|184
      block $core-wasm/assembly/score/commonScore|inlined.1 (result f32)
       local.get $wBase|171
       local.set $wBase|185
       local.get $base|168
       local.set $base|186
       local.get $wPop|172
       local.set $wPop|187
       local.get $popularity|173
       local.get $item|167
       i32.const 2
       i32.shl
       i32.add
       f32.load
       local.set $popularity|188
       local.get $boost|174
       local.get $item|167
       i32.const 2
       i32.shl
       i32.add
       f32.load
       local.set $boost|189
       local.get $wBase|185
       local.get $base|186
       f32.mul
       local.get $wPop|187
       local.get $popularity|188
       f32.mul
       f32.add
       local.get $boost|189
       f32.add
       br $core-wasm/assembly/score/commonScore|inlined.1
      end
      local.set $common|190
      local.get $personalize|170
      i32.eqz
      if
       local.get $common|190
       br $core-wasm/assembly/index/itemScore|inlined.1
      end
      local.get $topCategory|177
      local.get $item|167
      i32.add
      i32.load8_u
      global.get $core-wasm/assembly/layout/CATEGORY_SLOTS
      i32.const 1
      i32.sub
      i32.and
      local.set $slot|191
      block $core-wasm/assembly/score/personalScore|inlined.1 (result f32)
       local.get $dot|169
       local.set $dot|192
       local.get $wAff|175
       local.set $wAff|193
       local.get $affinity|176
       local.get $slot|191
       i32.const 2
       i32.shl
       i32.add
       f32.load
       local.set $affinity|194
       local.get $wPrice|178
       local.set $wPrice|195
       local.get $logPrice|179
       local.get $item|167
       i32.const 2
       i32.shl
       i32.add
       f32.load
       local.set $logPrice|196
       local.get $anchor|180
       local.set $anchor|197
       local.get $priceScale|181
       local.set $priceScale|198
       local.get $wMargin|182
       local.set $wMargin|199
       local.get $margins|183
       local.get $item|167
       i32.const 2
       i32.shl
       i32.add
       f32.load
       local.set $margin|200
       local.get $oneMinusDs|184
       local.set $oneMinusDs|201
       f32.const 1
       f32.const 1
       local.get $logPrice|196
       local.get $anchor|197
       f32.sub
       f32.abs
       local.get $priceScale|198
       f32.mul
       f32.add
       f32.div
       local.set $pf|202
       local.get $dot|192
       local.get $wAff|193
       local.get $affinity|194
       f32.mul
       f32.add
       local.get $wPrice|195
       local.get $pf|202
       f32.mul
       f32.add
       local.get $wMargin|199
       local.get $margin|200
       f32.mul
       local.get $oneMinusDs|201
       f32.mul
       f32.add
       br $core-wasm/assembly/score/personalScore|inlined.1
      end
      local.set $personal|203
      local.get $personal|203
      local.get $common|190
      f32.add
      br $core-wasm/assembly/index/itemScore|inlined.1
     end
     local.set $s|204
     local.get $tk|156
     i32.const 7
     i32.and
     global.get $core-wasm/assembly/layout/Reason.KEPT
     i32.eq
     if
      block $core-wasm/assembly/heap/heapOffer|inlined.2 (result i32)
       local.get $heap
       local.set $heap|205
       local.get $kept
       local.set $size|206
       local.get $k
       local.set $cap|207
       local.get $s|204
       local.set $score|208
       local.get $tk|156
       i32.const 3
       i32.shr_u
       local.set $key|209
       local.get $size|206
       local.get $cap|207
       i32.lt_u
       if
        local.get $heap|205
        local.get $size|206
        local.get $score|208
        local.get $key|209
        call $core-wasm/assembly/heap/siftUp
        local.get $size|206
        i32.const 1
        i32.add
        br $core-wasm/assembly/heap/heapOffer|inlined.2
       end
       local.get $cap|207
       i32.const 0
       i32.ne
       if (result i32)
        block $core-wasm/assembly/heap/worse|inlined.5 (result i32)
         local.get $heap|205
         f32.load
         local.set $aScore|210
         local.get $heap|205
         i32.load offset=4
         local.set $aKey|211
         local.get $score|208
         local.set $bScore|212
         local.get $key|209
         local.set $bKey|213
         local.get $aScore|210
         local.get $bScore|212
         f32.lt
         if (result i32)
          i32.const 1
         else
          local.get $aScore|210
          local.get $bScore|212
          f32.eq
          if (result i32)
           local.get $aKey|211
           local.get $bKey|213
           i32.gt_u
          else
           i32.const 0
          end
         end
         br $core-wasm/assembly/heap/worse|inlined.5
        end
       else
        i32.const 0
       end
       if
        local.get $heap|205
        local.get $cap|207
        local.get $score|208
        local.get $key|209
        call $core-wasm/assembly/heap/siftDown
       end
       local.get $size|206
       br $core-wasm/assembly/heap/heapOffer|inlined.2
      end
      local.set $kept
     else
      block $core-wasm/assembly/heap/heapOffer|inlined.3 (result i32)
       local.get $excludedHeap
       local.set $heap|214
       local.get $excluded
       local.set $size|215
       local.get $k
       local.set $cap|216
       local.get $s|204
       local.set $score|217
       local.get $tk|156
       local.set $key|218
       local.get $size|215
       local.get $cap|216
       i32.lt_u
       if
        local.get $heap|214
        local.get $size|215
        local.get $score|217
        local.get $key|218
        call $core-wasm/assembly/heap/siftUp
        local.get $size|215
        i32.const 1
        i32.add
        br $core-wasm/assembly/heap/heapOffer|inlined.3
       end
       local.get $cap|216
       i32.const 0
       i32.ne
       if (result i32)
        block $core-wasm/assembly/heap/worse|inlined.6 (result i32)
         local.get $heap|214
         f32.load
         local.set $aScore|219
         local.get $heap|214
         i32.load offset=4
         local.set $aKey|220
         local.get $score|217
         local.set $bScore|221
         local.get $key|218
         local.set $bKey|222
         local.get $aScore|219
         local.get $bScore|221
         f32.lt
         if (result i32)
          i32.const 1
         else
          local.get $aScore|219
          local.get $bScore|221
          f32.eq
          if (result i32)
           local.get $aKey|220
           local.get $bKey|222
           i32.gt_u
          else
           i32.const 0
          end
         end
         br $core-wasm/assembly/heap/worse|inlined.6
        end
       else
        i32.const 0
       end
       if
        local.get $heap|214
        local.get $cap|216
        local.get $score|217
        local.get $key|218
        call $core-wasm/assembly/heap/siftDown
       end
       local.get $size|215
       br $core-wasm/assembly/heap/heapOffer|inlined.3
      end
      local.set $excluded
     end
     local.get $t|155
     i32.const 1
     i32.add
     local.set $t|155
     br $for-loop|3
    end
   end
   local.get $explain
   if
    local.get $excludedHeap
    local.get $excluded
    local.get $req
    i32.load offset=120
    local.get $req
    i32.load offset=124
    local.get $req
    i32.load offset=128
    call $core-wasm/assembly/heap/heapDrain
   end
  else
   local.get $req
   i32.load offset=8
   local.set $n
   local.get $req
   i32.load offset=92
   local.set $candItems
   local.get $req
   i32.load offset=96
   local.set $candBase
   local.get $req
   i32.load offset=116
   local.set $outReasons
   i32.const 0
   local.set $j
   loop $for-loop|5
    local.get $j
    local.get $n
    i32.lt_u
    if
     block $for-continue|5
      local.get $candItems
      local.get $j
      i32.const 2
      i32.shl
      i32.add
      i32.load
      local.set $item|228
      local.get $item|228
      local.get $count
      i32.lt_u
      if (result i32)
       block $core-wasm/assembly/constraints/checkItem|inlined.1 (result i32)
        local.get $item|228
        local.set $item|229
        local.get $blockReason
        local.set $blockReason|230
        local.get $channels
        local.set $channels|231
        local.get $channel
        local.set $channel|232
        local.get $stock
        local.set $stock|233
        local.get $storeStock
        local.set $storeStock|234
        local.get $stores
        local.set $stores|235
        local.get $storeIndex
        local.set $storeIndex|236
        local.get $margins
        local.set $margins|237
        local.get $marginFloor
        local.set $marginFloor|238
        local.get $marks
        local.set $marks|239
        local.get $blockReason|230
        i32.const 0
        i32.ne
        if
         local.get $blockReason|230
         br $core-wasm/assembly/constraints/checkItem|inlined.1
        end
        local.get $channels|231
        local.get $item|229
        i32.add
        i32.load8_u
        local.get $channel|232
        i32.shr_u
        i32.const 1
        i32.and
        i32.const 0
        i32.eq
        if
         global.get $core-wasm/assembly/layout/Reason.INELIGIBLE
         br $core-wasm/assembly/constraints/checkItem|inlined.1
        end
        local.get $stock|233
        local.get $item|229
        i32.const 2
        i32.shl
        i32.add
        i32.load
        i32.const 0
        i32.le_s
        if
         global.get $core-wasm/assembly/layout/Reason.OUT_OF_STOCK
         br $core-wasm/assembly/constraints/checkItem|inlined.1
        end
        local.get $storeIndex|236
        local.get $stores|235
        i32.lt_u
        if (result i32)
         local.get $storeStock|234
         local.get $item|229
         local.get $stores|235
         i32.mul
         local.get $storeIndex|236
         i32.add
         i32.const 1
         i32.shl
         i32.add
         i32.load16_u
         i32.const 0
         i32.eq
        else
         i32.const 0
        end
        if
         global.get $core-wasm/assembly/layout/Reason.OUT_OF_STOCK
         br $core-wasm/assembly/constraints/checkItem|inlined.1
        end
        local.get $margins|237
        local.get $item|229
        i32.const 2
        i32.shl
        i32.add
        f32.load
        local.get $marginFloor|238
        f32.lt
        if
         global.get $core-wasm/assembly/layout/Reason.BELOW_MARGIN_FLOOR
         br $core-wasm/assembly/constraints/checkItem|inlined.1
        end
        local.get $marks|239
        local.get $item|229
        i32.add
        i32.load8_u
        br $core-wasm/assembly/constraints/checkItem|inlined.1
       end
      else
       global.get $core-wasm/assembly/layout/Reason.UNKNOWN_SKU
      end
      local.set $reason|240
      local.get $outReasons
      local.get $j
      i32.add
      local.get $reason|240
      i32.store8
      local.get $reason|240
      global.get $core-wasm/assembly/layout/Reason.KEPT
      i32.ne
      if
       br $for-continue|5
      end
      local.get $pending
      i32.const 3
      i32.lt_u
      if
       local.get $pending
       i32.const 0
       i32.eq
       if
        local.get $j
        local.set $p0
       else
        local.get $pending
        i32.const 1
        i32.eq
        if
         local.get $j
         local.set $p1
        else
         local.get $j
         local.set $p2
        end
       end
       local.get $pending
       i32.const 1
       i32.add
       local.set $pending
       br $for-continue|5
      end
      local.get $personalize
      if (result v128)
       block $core-wasm/assembly/score/dot4|inlined.1 (result v128)
        local.get $query
        local.set $query|253
        block $core-wasm/assembly/index/row|inlined.5 (result i32)
         local.get $vectors
         local.set $vectors|241
         local.get $candItems
         local.get $p0
         i32.const 2
         i32.shl
         i32.add
         i32.load
         local.set $item|242
         local.get $rowBytes
         local.set $rowBytes|243
         local.get $vectors|241
         local.get $item|242
         local.get $rowBytes|243
         i32.mul
         i32.add
         br $core-wasm/assembly/index/row|inlined.5
        end
        local.set $v0|254
        block $core-wasm/assembly/index/row|inlined.6 (result i32)
         local.get $vectors
         local.set $vectors|244
         local.get $candItems
         local.get $p1
         i32.const 2
         i32.shl
         i32.add
         i32.load
         local.set $item|245
         local.get $rowBytes
         local.set $rowBytes|246
         local.get $vectors|244
         local.get $item|245
         local.get $rowBytes|246
         i32.mul
         i32.add
         br $core-wasm/assembly/index/row|inlined.6
        end
        local.set $v1|255
        block $core-wasm/assembly/index/row|inlined.7 (result i32)
         local.get $vectors
         local.set $vectors|247
         local.get $candItems
         local.get $p2
         i32.const 2
         i32.shl
         i32.add
         i32.load
         local.set $item|248
         local.get $rowBytes
         local.set $rowBytes|249
         local.get $vectors|247
         local.get $item|248
         local.get $rowBytes|249
         i32.mul
         i32.add
         br $core-wasm/assembly/index/row|inlined.7
        end
        local.set $v2|256
        block $core-wasm/assembly/index/row|inlined.8 (result i32)
         local.get $vectors
         local.set $vectors|250
         local.get $item|228
         local.set $item|251
         local.get $rowBytes
         local.set $rowBytes|252
         local.get $vectors|250
         local.get $item|251
         local.get $rowBytes|252
         i32.mul
         i32.add
         br $core-wasm/assembly/index/row|inlined.8
        end
        local.set $v3|257
        local.get $dotBytes
        local.set $bytes|258
        f32.const 0
        f32x4.splat
        local.set $a0|259
        f32.const 0
        f32x4.splat
        local.set $a1|260
        f32.const 0
        f32x4.splat
        local.set $a2|261
        f32.const 0
        f32x4.splat
        local.set $a3|262
        i32.const 0
        local.set $o|263
        loop $for-loop|6
         local.get $o|263
         local.get $bytes|258
         i32.lt_u
         if
          local.get $query|253
          local.get $o|263
          i32.add
          v128.load
          local.set $q|264
          local.get $a0|259
          local.get $q|264
          local.get $v0|254
          local.get $o|263
          i32.add
          v128.load
          f32x4.mul
          f32x4.add
          local.set $a0|259
          local.get $a1|260
          local.get $q|264
          local.get $v1|255
          local.get $o|263
          i32.add
          v128.load
          f32x4.mul
          f32x4.add
          local.set $a1|260
          local.get $a2|261
          local.get $q|264
          local.get $v2|256
          local.get $o|263
          i32.add
          v128.load
          f32x4.mul
          f32x4.add
          local.set $a2|261
          local.get $a3|262
          local.get $q|264
          local.get $v3|257
          local.get $o|263
          i32.add
          v128.load
          f32x4.mul
          f32x4.add
          local.set $a3|262
          local.get $o|263
          i32.const 16
          i32.add
          local.set $o|263
          br $for-loop|6
         end
        end
        local.get $a0|259
        local.get $a1|260
        i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
        local.get $a0|259
        local.get $a1|260
        i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
        f32x4.add
        local.set $s01|265
        local.get $a2|261
        local.get $a3|262
        i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
        local.get $a2|261
        local.get $a3|262
        i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
        f32x4.add
        local.set $s23|266
        local.get $s01|265
        local.get $s23|266
        i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
        local.get $s01|265
        local.get $s23|266
        i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
        f32x4.add
        br $core-wasm/assembly/score/dot4|inlined.1
       end
      else
       f32.const 0
       f32x4.splat
      end
      local.set $dots|267
      i32.const 0
      local.set $t|268
      loop $for-loop|7
       local.get $t|268
       i32.const 4
       i32.lt_u
       if
        local.get $t|268
        i32.const 0
        i32.eq
        if (result i32)
         local.get $p0
        else
         local.get $t|268
         i32.const 1
         i32.eq
         if (result i32)
          local.get $p1
         else
          local.get $t|268
          i32.const 2
          i32.eq
          if (result i32)
           local.get $p2
          else
           local.get $j
          end
         end
        end
        local.set $pos
        block $core-wasm/assembly/index/itemScore|inlined.2 (result f32)
         local.get $candItems
         local.get $pos
         i32.const 2
         i32.shl
         i32.add
         i32.load
         local.set $item|272
         local.get $candBase
         local.get $pos
         i32.const 2
         i32.shl
         i32.add
         f32.load
         local.set $base|273
         block $core-wasm/assembly/index/lane|inlined.1 (result f32)
          local.get $dots|267
          local.set $dots|270
          local.get $t|268
          local.set $t|271
          local.get $t|271
          i32.const 0
          i32.eq
          if (result f32)
           local.get $dots|270
           f32x4.extract_lane 0
          else
           local.get $t|271
           i32.const 1
           i32.eq
           if (result f32)
            local.get $dots|270
            f32x4.extract_lane 1
           else
            local.get $t|271
            i32.const 2
            i32.eq
            if (result f32)
             local.get $dots|270
             f32x4.extract_lane 2
            else
             local.get $dots|270
             f32x4.extract_lane 3
            end
           end
          end
          br $core-wasm/assembly/index/lane|inlined.1
         end
         local.set $dot|274
         local.get $personalize
         local.set $personalize|275
         local.get $wBase
         local.set $wBase|276
         local.get $wPop
         local.set $wPop|277
         local.get $popularity
         local.set $popularity|278
         local.get $boost
         local.set $boost|279
         local.get $wAff
         local.set $wAff|280
         local.get $affinity
         local.set $affinity|281
         local.get $topCategory
         local.set $topCategory|282
         local.get $wPrice
         local.set $wPrice|283
         local.get $logPrice
         local.set $logPrice|284
         local.get $anchor
         local.set $anchor|285
         local.get $priceScale
         local.set $priceScale|286
         local.get $wMargin
         local.set $wMargin|287
         local.get $margins
         local.set $margins|288
         local.get $oneMinusDs
         local.set $oneMinusDs|289
         block $core-wasm/assembly/score/commonScore|inlined.2 (result f32)
          local.get $wBase|276
          local.set $wBase|290
          local.get $base|273
          local.set $base|291
          local.get $wPop|277
          local.set $wPop|292
          local.get $popularity|278
          local.get $item|272
          i32.const 2
          i32.shl
          i32.add
          f32.load
          local.set $popularity|293
          local.get $boost|279
          local.get $item|272
          i32.const 2
          i32.shl
          i32.add
          f32.load
          local.set $boost|294
          local.get $wBase|290
          local.get $base|291
          f32.mul
          local.get $wPop|292
          local.get $popularity|293
          f32.mul
          f32.add
          local.get $boost|294
          f32.add
          br $core-wasm/assembly/score/commonScore|inlined.2
         end
         local.set $common|295
         local.get $personalize|275
         i32.eqz
         if
          local.get $common|295
          br $core-wasm/assembly/index/itemScore|inlined.2
         end
         local.get $topCategory|282
         local.get $item|272
         i32.add
         i32.load8_u
         global.get $core-wasm/assembly/layout/CATEGORY_SLOTS
         i32.const 1
         i32.sub
         i32.and
         local.set $slot|296
         block $core-wasm/assembly/score/personalScore|inlined.2 (result f32)
          local.get $dot|274
          local.set $dot|297
          local.get $wAff|280
          local.set $wAff|298
          local.get $affinity|281
          local.get $slot|296
          i32.const 2
          i32.shl
          i32.add
          f32.load
          local.set $affinity|299
          local.get $wPrice|283
          local.set $wPrice|300
          local.get $logPrice|284
          local.get $item|272
          i32.const 2
          i32.shl
          i32.add
          f32.load
          local.set $logPrice|301
          local.get $anchor|285
          local.set $anchor|302
          local.get $priceScale|286
          local.set $priceScale|303
          local.get $wMargin|287
          local.set $wMargin|304
          local.get $margins|288
          local.get $item|272
          i32.const 2
          i32.shl
          i32.add
          f32.load
          local.set $margin|305
          local.get $oneMinusDs|289
          local.set $oneMinusDs|306
          f32.const 1
          f32.const 1
          local.get $logPrice|301
          local.get $anchor|302
          f32.sub
          f32.abs
          local.get $priceScale|303
          f32.mul
          f32.add
          f32.div
          local.set $pf|307
          local.get $dot|297
          local.get $wAff|298
          local.get $affinity|299
          f32.mul
          f32.add
          local.get $wPrice|300
          local.get $pf|307
          f32.mul
          f32.add
          local.get $wMargin|304
          local.get $margin|305
          f32.mul
          local.get $oneMinusDs|306
          f32.mul
          f32.add
          br $core-wasm/assembly/score/personalScore|inlined.2
         end
         local.set $personal|308
         local.get $personal|308
         local.get $common|295
         f32.add
         br $core-wasm/assembly/index/itemScore|inlined.2
        end
        local.set $s|309
        block $core-wasm/assembly/heap/heapOffer|inlined.4 (result i32)
         local.get $heap
         local.set $heap|310
         local.get $kept
         local.set $size|311
         local.get $k
         local.set $cap|312
         local.get $s|309
         local.set $score|313
         local.get $pos
         local.set $key|314
         local.get $size|311
         local.get $cap|312
         i32.lt_u
         if
          local.get $heap|310
          local.get $size|311
          local.get $score|313
          local.get $key|314
          call $core-wasm/assembly/heap/siftUp
          local.get $size|311
          i32.const 1
          i32.add
          br $core-wasm/assembly/heap/heapOffer|inlined.4
         end
         local.get $cap|312
         i32.const 0
         i32.ne
         if (result i32)
          block $core-wasm/assembly/heap/worse|inlined.7 (result i32)
           local.get $heap|310
           f32.load
           local.set $aScore|315
           local.get $heap|310
           i32.load offset=4
           local.set $aKey|316
           local.get $score|313
           local.set $bScore|317
           local.get $key|314
           local.set $bKey|318
           local.get $aScore|315
           local.get $bScore|317
           f32.lt
           if (result i32)
            i32.const 1
           else
            local.get $aScore|315
            local.get $bScore|317
            f32.eq
            if (result i32)
             local.get $aKey|316
             local.get $bKey|318
             i32.gt_u
            else
             i32.const 0
            end
           end
           br $core-wasm/assembly/heap/worse|inlined.7
          end
         else
          i32.const 0
         end
         if
          local.get $heap|310
          local.get $cap|312
          local.get $score|313
          local.get $key|314
          call $core-wasm/assembly/heap/siftDown
         end
         local.get $size|311
         br $core-wasm/assembly/heap/heapOffer|inlined.4
        end
        local.set $kept
        local.get $t|268
        i32.const 1
        i32.add
        local.set $t|268
        br $for-loop|7
       end
      end
      i32.const 0
      local.set $pending
     end
     local.get $j
     i32.const 1
     i32.add
     local.set $j
     br $for-loop|5
    end
   end
   i32.const 0
   local.set $t|319
   loop $for-loop|8
    local.get $t|319
    local.get $pending
    i32.lt_u
    if
     local.get $t|319
     i32.const 0
     i32.eq
     if (result i32)
      local.get $p0
     else
      local.get $t|319
      i32.const 1
      i32.eq
      if (result i32)
       local.get $p1
      else
       local.get $p2
      end
     end
     local.set $pos|320
     local.get $candItems
     local.get $pos|320
     i32.const 2
     i32.shl
     i32.add
     i32.load
     local.set $item|321
     block $core-wasm/assembly/index/itemScore|inlined.3 (result f32)
      local.get $item|321
      local.set $item|331
      local.get $candBase
      local.get $pos|320
      i32.const 2
      i32.shl
      i32.add
      f32.load
      local.set $base|332
      local.get $personalize
      if (result f32)
       block $core-wasm/assembly/score/dot1|inlined.1 (result f32)
        local.get $query
        local.set $query|325
        block $core-wasm/assembly/index/row|inlined.9 (result i32)
         local.get $vectors
         local.set $vectors|322
         local.get $item|321
         local.set $item|323
         local.get $rowBytes
         local.set $rowBytes|324
         local.get $vectors|322
         local.get $item|323
         local.get $rowBytes|324
         i32.mul
         i32.add
         br $core-wasm/assembly/index/row|inlined.9
        end
        local.set $vec|326
        local.get $dotBytes
        local.set $bytes|327
        f32.const 0
        f32x4.splat
        local.set $acc|328
        i32.const 0
        local.set $o|329
        loop $for-loop|9
         local.get $o|329
         local.get $bytes|327
         i32.lt_u
         if
          local.get $acc|328
          local.get $query|325
          local.get $o|329
          i32.add
          v128.load
          local.get $vec|326
          local.get $o|329
          i32.add
          v128.load
          f32x4.mul
          f32x4.add
          local.set $acc|328
          local.get $o|329
          i32.const 16
          i32.add
          local.set $o|329
          br $for-loop|9
         end
        end
        block $core-wasm/assembly/score/laneSum|inlined.1 (result f32)
         local.get $acc|328
         local.set $a|330
         local.get $a|330
         f32x4.extract_lane 0
         local.get $a|330
         f32x4.extract_lane 1
         f32.add
         local.get $a|330
         f32x4.extract_lane 2
         local.get $a|330
         f32x4.extract_lane 3
         f32.add
         f32.add
         br $core-wasm/assembly/score/laneSum|inlined.1
        end
        br $core-wasm/assembly/score/dot1|inlined.1
       end
      else
       f32.const 0
      end
      local.set $dot|333
      local.get $personalize
      local.set $personalize|334
      local.get $wBase
      local.set $wBase|335
      local.get $wPop
      local.set $wPop|336
      local.get $popularity
      local.set $popularity|337
      local.get $boost
      local.set $boost|338
      local.get $wAff
      local.set $wAff|339
      local.get $affinity
      local.set $affinity|340
      local.get $topCategory
      local.set $topCategory|341
      local.get $wPrice
      local.set $wPrice|342
      local.get $logPrice
      local.set $logPrice|343
      local.get $anchor
      local.set $anchor|344
      local.get $priceScale
      local.set $priceScale|345
      local.get $wMargin
      local.set $wMargin|346
      local.get $margins
      local.set $margins|347
      local.get $oneMinusDs
      local.set $oneMinusDs|348
      block $core-wasm/assembly/score/commonScore|inlined.3 (result f32)
       local.get $wBase|335
       local.set $wBase|349
       local.get $base|332
       local.set $base|350
       local.get $wPop|336
       local.set $wPop|351
       local.get $popularity|337
       local.get $item|331
       i32.const 2
       i32.shl
       i32.add
       f32.load
       local.set $popularity|352
       local.get $boost|338
       local.get $item|331
       i32.const 2
       i32.shl
       i32.add
       f32.load
       local.set $boost|353
       local.get $wBase|349
       local.get $base|350
       f32.mul
       local.get $wPop|351
       local.get $popularity|352
       f32.mul
       f32.add
       local.get $boost|353
       f32.add
       br $core-wasm/assembly/score/commonScore|inlined.3
      end
      local.set $common|354
      local.get $personalize|334
      i32.eqz
      if
       local.get $common|354
       br $core-wasm/assembly/index/itemScore|inlined.3
      end
      local.get $topCategory|341
      local.get $item|331
      i32.add
      i32.load8_u
      global.get $core-wasm/assembly/layout/CATEGORY_SLOTS
      i32.const 1
      i32.sub
      i32.and
      local.set $slot|355
      block $core-wasm/assembly/score/personalScore|inlined.3 (result f32)
       local.get $dot|333
       local.set $dot|356
       local.get $wAff|339
       local.set $wAff|357
       local.get $affinity|340
       local.get $slot|355
       i32.const 2
       i32.shl
       i32.add
       f32.load
       local.set $affinity|358
       local.get $wPrice|342
       local.set $wPrice|359
       local.get $logPrice|343
       local.get $item|331
       i32.const 2
       i32.shl
       i32.add
       f32.load
       local.set $logPrice|360
       local.get $anchor|344
       local.set $anchor|361
       local.get $priceScale|345
       local.set $priceScale|362
       local.get $wMargin|346
       local.set $wMargin|363
       local.get $margins|347
       local.get $item|331
       i32.const 2
       i32.shl
       i32.add
       f32.load
       local.set $margin|364
       local.get $oneMinusDs|348
       local.set $oneMinusDs|365
       f32.const 1
       f32.const 1
       local.get $logPrice|360
       local.get $anchor|361
       f32.sub
       f32.abs
       local.get $priceScale|362
       f32.mul
       f32.add
       f32.div
       local.set $pf|366
       local.get $dot|356
       local.get $wAff|357
       local.get $affinity|358
       f32.mul
       f32.add
       local.get $wPrice|359
       local.get $pf|366
       f32.mul
       f32.add
       local.get $wMargin|363
       local.get $margin|364
       f32.mul
       local.get $oneMinusDs|365
       f32.mul
       f32.add
       br $core-wasm/assembly/score/personalScore|inlined.3
      end
      local.set $personal|367
      local.get $personal|367
      local.get $common|354
      f32.add
      br $core-wasm/assembly/index/itemScore|inlined.3
     end
     local.set $s|368
     block $core-wasm/assembly/heap/heapOffer|inlined.5 (result i32)
      local.get $heap
      local.set $heap|369
      local.get $kept
      local.set $size|370
      local.get $k
      local.set $cap|371
      local.get $s|368
      local.set $score|372
      local.get $pos|320
      local.set $key|373
      local.get $size|370
      local.get $cap|371
      i32.lt_u
      if
       local.get $heap|369
       local.get $size|370
       local.get $score|372
       local.get $key|373
       call $core-wasm/assembly/heap/siftUp
       local.get $size|370
       i32.const 1
       i32.add
       br $core-wasm/assembly/heap/heapOffer|inlined.5
      end
      local.get $cap|371
      i32.const 0
      i32.ne
      if (result i32)
       block $core-wasm/assembly/heap/worse|inlined.8 (result i32)
        local.get $heap|369
        f32.load
        local.set $aScore|374
        local.get $heap|369
        i32.load offset=4
        local.set $aKey|375
        local.get $score|372
        local.set $bScore|376
        local.get $key|373
        local.set $bKey|377
        local.get $aScore|374
        local.get $bScore|376
        f32.lt
        if (result i32)
         i32.const 1
        else
         local.get $aScore|374
         local.get $bScore|376
         f32.eq
         if (result i32)
          local.get $aKey|375
          local.get $bKey|377
          i32.gt_u
         else
          i32.const 0
         end
        end
        br $core-wasm/assembly/heap/worse|inlined.8
       end
      else
       i32.const 0
      end
      if
       local.get $heap|369
       local.get $cap|371
       local.get $score|372
       local.get $key|373
       call $core-wasm/assembly/heap/siftDown
      end
      local.get $size|370
      br $core-wasm/assembly/heap/heapOffer|inlined.5
     end
     local.set $kept
     local.get $t|319
     i32.const 1
     i32.add
     local.set $t|319
     br $for-loop|8
    end
   end
  end
  local.get $req
  local.get $explain
  if (result i32)
   local.get $mode
   global.get $core-wasm/assembly/layout/Mode.CATALOG
   i32.eq
  else
   i32.const 0
  end
  if (result i32)
   local.get $excluded
  else
   i32.const 0
  end
  i32.store offset=132
  local.get $heap
  local.get $kept
  local.get $outIdx
  local.get $outScore
  i32.const 0
  call $core-wasm/assembly/heap/heapDrain
  local.get $exclItems
  local.get $exclCount
  local.get $count
  local.get $marks
  call $core-wasm/assembly/constraints/clearExclusions
  local.get $kept
  return
 )
)
