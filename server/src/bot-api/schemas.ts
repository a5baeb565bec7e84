// Request shapes of the bot API (outbox drain, group binding).
import { paginationQuery } from '../http/pagination';
import type { JsonSchema } from '../http/validation';
import { SUBSCRIPTION_TOPICS } from './deliveries';

const roomId: JsonSchema = {
  type: 'string',
  title: '群聊编号',
  minLength: 1,
  maxLength: 128,
  pattern: '^\\S+$',
};

export const bindingCodeBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['regionCode'],
  properties: { regionCode: { type: 'string', title: '地区代码', pattern: '^\\d{6}$' } },
};

export const bindRoomBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'roomId'],
  properties: {
    // Case, spaces and dashes are forgiven: people retype codes in a chat.
    code: { type: 'string', title: '绑定码', minLength: 8, maxLength: 16, pattern: '^[0-9A-Za-z \\-]+$' },
    roomId,
    roomTopic: { type: 'string', title: '群名称', maxLength: 100, default: '' },
  },
};

export const roomParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['roomId'],
  properties: { roomId },
};

export const listRoomsQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ...paginationQuery },
};

export const leaseEventsQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['consumer'],
  properties: {
    consumer: {
      type: 'string',
      title: '机器人实例标识（每个实例各用一个）',
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9_.:@-]+$',
    },
    limit: { type: 'integer', title: '最多领取条数', minimum: 1, maximum: 100, default: 20 },
    leaseSeconds: {
      type: 'integer',
      title: '租约秒数（到期未确认则重新派发）',
      minimum: 10,
      maximum: 3600,
      default: 120,
    },
  },
};

export const eventParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', title: '事件编号', minLength: 1, maxLength: 300 } },
};

export const leaseDeliveriesQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['consumer'],
  properties: {
    consumer: (leaseEventsQuery.properties as Record<string, JsonSchema>).consumer,
    limit: { type: 'integer', title: '最多领取条数', minimum: 1, maximum: 100, default: 20 },
    leaseSeconds: (leaseEventsQuery.properties as Record<string, JsonSchema>).leaseSeconds,
    rooms: {
      type: 'string',
      title: '只领取这些群聊的投递（逗号分隔的群聊编号）',
      maxLength: 20000,
    },
  },
};

export const deliveryParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', title: '投递编号', minLength: 1, maxLength: 500 } },
};

export const failDeliveryBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['error'],
  properties: {
    error: { type: 'string', title: '发送失败原因', minLength: 1, maxLength: 500 },
    retryInSeconds: { type: 'integer', title: '多少秒后重试', minimum: 0, maximum: 86400, default: 60 },
  },
};

export const subscriptionBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['topic', 'on'],
  properties: {
    topic: { type: 'string', title: '推送类型', enum: [...SUBSCRIPTION_TOPICS] },
    on: { type: 'boolean', title: '是否接收' },
  },
};

export const unbindRoomBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'roomId'],
  properties: { code: (bindRoomBody.properties as Record<string, JsonSchema>).code, roomId },
};

export const regionSearchQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['q'],
  properties: { q: { type: 'string', title: '地区名称', minLength: 1, maxLength: 30 } },
};
