export * from './model-invocation-logging';
export * from './spend-cap';
export * from './spend-meter';
