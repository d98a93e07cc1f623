import { toBinary } from "@bufbuild/protobuf";
import { createServer, type RelevanceServer } from "../../../server/src/create-server.js";
import { DecideRequestSchema } from "../../../server/src/gen/relevance/v1/decision_pb.js";
import { silentLogger } from "../../../server/src/log.js";
import { benchServerOptions, ECHO_PATH, echoService } from "./echo-service.js";
import { grpcFrame } from "./h2load.js";
import { personalisedSearch } from "./search-request.js";

/** The bench server with Echo beside Decide, and what h2load sends to both. */
export interface EchoAndDecide {
  readonly server: RelevanceServer;
  /** The Decide request (a personalised search of 200 candidates), and what its first answer was. */
  readonly request: Awaited<ReturnType<typeof personalisedSearch>>["request"];
  readonly summary: string;
  /** The gRPC-framed request. */
  readonly body: Buffer;
  /** Bytes of the Decide answer, which Echo answers with too. */
  readonly responseBytes: number;
  readonly urls: { readonly echo: string; readonly decide: string };
  /** Echo calls answered so far: with the server thread's CPU time, what a call of the transport alone costs. */
  echoCalls(): number;
}

/**
 * Starts the real server on the bench data in Redis (`seedRedis` with
 * `items`) under `policyFile` ("" for none), with the transport-only Echo
 * answering as many bytes as the Decide answer to the request it makes here.
 * The caller closes the server.
 */
export async function startEchoAndDecide(
  redisUrl: string,
  policyFile: string,
  items: number,
): Promise<EchoAndDecide> {
  let echoResponse = Buffer.alloc(0);
  let echoCalls = 0;
  const server = await createServer(benchServerOptions(redisUrl, policyFile), {
    log: silentLogger,
    extraServices: [
      echoService(() => {
        echoCalls++;
        return echoResponse;
      }),
    ],
  });
  try {
    const { request, response, summary } = await personalisedSearch(server.address, items);
    echoResponse = Buffer.from(response);
    return {
      server,
      request,
      summary,
      body: grpcFrame(toBinary(DecideRequestSchema, request)),
      responseBytes: echoResponse.length,
      urls: {
        echo: `http://${server.address}${ECHO_PATH}`,
        decide: `http://${server.address}/relevance.v1.DecisionService/Decide`,
      },
      echoCalls: () => echoCalls,
    };
  } catch (error) {
    await server.close(1000);
    throw error;
  }
}
