import type { IncomingMessage } from 'node:http';

/**
 * Cross-site WebSocket hijacking guard. Browsers send `Origin` on every WebSocket handshake but apply no
 * same-origin policy to it, while the auth proxy in front authenticates the handshake from its session cookie:
 * a page on another site could otherwise open a subscription as the signed-in user. A handshake with an
 * `Origin` is accepted only from the same host (as the proxy forwarded it) or from an allowed origin; one
 * without (a notebook, a server-side client) cannot be driven by a browser and is accepted.
 */
export function isAllowedWebSocketOrigin(req: Pick<IncomingMessage, 'headers'>, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = req.headers['x-forwarded-host'];
  const hosts = [req.headers.host, ...(typeof forwarded === 'string' ? forwarded.split(',').map((h) => h.trim()) : [])];
  return hosts.some((host) => host !== undefined && host.toLowerCase() === originHost.toLowerCase());
}
