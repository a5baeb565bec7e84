// Ambient declarations for the Taro build: page/app config helpers, env, generated validators.
/// <reference types="@tarojs/taro" />

declare module '@generated/form-validators' {
  import type { ErrorObject } from 'ajv';
  type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
  export const school1: Validator;
}

declare module '*.css';
