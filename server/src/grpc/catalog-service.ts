import type {
  ServerReadableStream,
  ServerUnaryCall,
  sendUnaryData,
  UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { CATEGORY_SLOTS } from "../../../core-wasm/src/layout.js";
import type { CatalogInfo, CatalogManager } from "../catalog/catalog-manager.js";
import type { CatalogItem } from "../domain/catalog-item.js";
import { DecisionError, exceedsLimit, invalidField } from "../errors/index.js";
import {
  GetCatalogInfoResponseSchema,
  SetPriceRequestSchema,
  SetPriceResponseSchema,
  SetStockRequestSchema,
  SetStockResponseSchema,
  UpsertItemsRequestSchema,
  UpsertItemsResponseSchema,
} from "../gen/relevance/v1/catalog_pb.js";
import { catalogItemFromProto, type ItemLimits } from "./catalog-item-from-proto.js";
import { decodeMessage, encodeMessage } from "./message-codec.js";
import { toServiceError } from "./to-service-error.js";

export interface CatalogServiceOptions {
  readonly manager: CatalogManager;
  readonly itemLimits: ItemLimits;
  /** Items one UpsertItems stream may carry (option maxUpsertItems). */
  readonly maxUpsertItems: number;
  /** Updates one SetStock or SetPrice call may carry (option maxUpdates). */
  readonly maxUpdates: number;
}

function checkUpdateCount(n: number, max: number): void {
  if (n === 0) throw invalidField("updates", "required, at least one update");
  if (n > max) throw new DecisionError("LIMIT_EXCEEDED", exceedsLimit("updates", n, max, "maxUpdates"));
}

/**
 * gRPC handlers of `relevance.v1.CatalogService`. UpsertItems buffers the
 * whole stream and applies it as one change when the client half-closes: a bad
 * item anywhere rejects the stream and nothing of it is applied.
 */
export function catalogServiceHandlers(options: CatalogServiceOptions): UntypedServiceImplementation {
  const { manager, itemLimits, maxUpsertItems, maxUpdates } = options;
  const fail = (cb: sendUnaryData<Buffer>) => (e: unknown) => cb(toServiceError(e));
  const version = (i: CatalogInfo) => ({ catalogVersion: i.version });

  return {
    upsertItems(call: ServerReadableStream<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void {
      const items: CatalogItem[] = [];
      let failed = false;
      const reject = (e: unknown) => {
        if (failed) return;
        failed = true;
        call.removeAllListeners("data");
        fail(callback)(e);
      };
      call.on("data", (bytes: Buffer) => {
        try {
          const msg = decodeMessage(UpsertItemsRequestSchema, bytes);
          if (items.length + msg.items.length > maxUpsertItems) {
            throw new DecisionError(
              "LIMIT_EXCEEDED",
              `items: ${items.length + msg.items.length} exceeds the limit of ${maxUpsertItems} per stream (option maxUpsertItems)`,
            );
          }
          for (const item of msg.items) {
            items.push(catalogItemFromProto(item, `items[${items.length}]`, itemLimits));
          }
        } catch (e) {
          reject(e);
        }
      });
      call.on("end", () => {
        if (failed) return;
        if (items.length === 0) return reject(invalidField("items", "required, at least one item"));
        manager
          .upsert(items)
          .then((info) =>
            callback(
              null,
              encodeMessage(UpsertItemsResponseSchema, { upserted: items.length, ...version(info) }),
            ),
          )
          .catch(reject);
      });
      call.on("error", () => {
        failed = true;
      });
    },

    setStock(call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void {
      Promise.resolve()
        .then(() => {
          const req = decodeMessage(SetStockRequestSchema, call.request);
          checkUpdateCount(req.updates.length, maxUpdates);
          const changes = req.updates.map((u, i) => {
            if (u.sku === "") throw invalidField(`updates[${i}].sku`, "required");
            if (u.quantity < 0) throw invalidField(`updates[${i}].quantity`, "must not be negative");
            return { sku: u.sku, storeId: u.storeId, quantity: u.quantity };
          });
          return manager.setStock(changes);
        })
        .then((info) => callback(null, encodeMessage(SetStockResponseSchema, version(info))))
        .catch(fail(callback));
    },

    setPrice(call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void {
      Promise.resolve()
        .then(() => {
          const req = decodeMessage(SetPriceRequestSchema, call.request);
          checkUpdateCount(req.updates.length, maxUpdates);
          const changes = req.updates.map((u, i) => {
            if (u.sku === "") throw invalidField(`updates[${i}].sku`, "required");
            if (!(Number.isFinite(u.price) && u.price > 0))
              throw invalidField(`updates[${i}].price`, "must be a finite number > 0");
            if (u.margin !== undefined && !(u.margin >= -1 && u.margin <= 1)) {
              throw invalidField(`updates[${i}].margin`, "must be in [-1, 1]");
            }
            return u.margin === undefined
              ? { sku: u.sku, price: u.price }
              : { sku: u.sku, price: u.price, margin: u.margin };
          });
          return manager.setPrice(changes);
        })
        .then((info) => callback(null, encodeMessage(SetPriceResponseSchema, version(info))))
        .catch(fail(callback));
    },

    getCatalogInfo(_call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void {
      const i = manager.info();
      callback(
        null,
        encodeMessage(GetCatalogInfoResponseSchema, {
          catalogVersion: i.version,
          items: i.items,
          stores: i.stores,
          features: i.features,
          categories: CATEGORY_SLOTS,
        }),
      );
    },
  };
}
