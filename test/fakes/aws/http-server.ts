import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RawRequest } from './protocols/wire';
import type { PipelineResult } from './request-pipeline';

/** A running local HTTP server. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function toRawRequest(req: IncomingMessage, rawBody: Buffer): RawRequest {
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? target : target.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)),
    headers: req.headers,
    body: rawBody.toString('utf8'),
    rawBody,
  };
}

/**
 * Starts a node:http server on 127.0.0.1 (port 0 = an ephemeral port) that hands every request to
 * `handle` and writes its answer, or destroys the socket when the answer is to drop it.
 */
export async function startHttpServer(handle: (req: RawRequest) => Promise<PipelineResult>, port = 0): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      try {
        const result = await handle(toRawRequest(req, await readBody(req)));
        if ('drop' in result) {
          req.socket.destroy();
          return;
        }
        if (res.destroyed) return;
        const { statusCode, headers, body } = result.response;
        // a response may set its own Content-Length (HEAD answers the size of a body it does not send)
        res.writeHead(statusCode, { 'content-length': Buffer.byteLength(body), ...headers });
        res.end(body);
      } catch (e) {
        if (!res.destroyed && !res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`AWS fake failure: ${String(e)}`);
        }
      }
    })();
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () => new Promise<void>(resolve => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
