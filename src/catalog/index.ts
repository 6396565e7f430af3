export * from './profile-catalog';
export * from './profile-resolver';
