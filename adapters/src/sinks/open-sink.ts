import { type FileSinkOptions, openFileSink } from "./file-sink.js";
import type { SinkSpec } from "./parse-sink.js";
import type { Sink } from "./sink.js";
import { createStdoutSink, type StdoutSinkOptions } from "./stdout-sink.js";
import { createWebhookSink, type WebhookSinkOptions } from "./webhook-sink.js";

/** Per-kind options for `openSink`; the spec supplies the URL or path. */
export interface OpenSinkOptions {
  readonly webhook?: Omit<WebhookSinkOptions, "url">;
  readonly file?: FileSinkOptions;
  readonly stdout?: StdoutSinkOptions;
}

/** Opens the sink a parsed spec names (see `parseSink`), for the adapter's entry file. */
export async function openSink(spec: SinkSpec, options: OpenSinkOptions = {}): Promise<Sink> {
  switch (spec.kind) {
    case "webhook":
      return createWebhookSink({ ...options.webhook, url: spec.url });
    case "file":
      return openFileSink(spec.path, options.file);
    case "stdout":
      return createStdoutSink(options.stdout);
  }
}
