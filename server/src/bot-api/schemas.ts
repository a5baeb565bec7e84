// Request shapes of the bot API (outbox drain, group binding).
import { paginationQuery } from '../http/pagination';
import type { JsonSchema } from '../http/validation';

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
