// Ambient declarations for the Taro build: page/app config helpers, env, generated validators.
/// <reference types="@tarojs/taro" />

declare const process: { env: { TARO_ENV?: string; TARO_APP_API?: string; NODE_ENV?: string } };

declare module '@generated/form-validators' {
  import type { ErrorObject } from 'ajv';
  type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
  export const school1: Validator;
}

declare module '*.css';
