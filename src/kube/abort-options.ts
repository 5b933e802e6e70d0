import { Observable, type ConfigurationOptions, type ObservableMiddleware } from '@kubernetes/client-node';

/**
 * Per-call options for @kubernetes/client-node's generated APIs that abort the HTTP request when `signal`
 * fires. Racing the promise against a timer alone would leave the socket to a silent API server open until
 * the OS gives up; aborting closes it.
 */
export function abortOptions(signal: AbortSignal): ConfigurationOptions<ObservableMiddleware> {
  return {
    middleware: [
      {
        pre: (context) => {
          context.setSignal(signal);
          return new Observable(Promise.resolve(context));
        },
        post: (response) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}
