// Request shapes of the bot API (outbox drain, group binding).
import { paginationQuery } from '../http/pagination';
import { strictObject } from '../http/schemas';
import { SUBSCRIPTION_TOPICS } from './deliveries';

const roomId = {
  type: 'string',
  title: '群聊编号',
  minLength: 1,
  maxLength: 128,
  pattern: '^\\S+$',
} as const;

export const bindingCodeBody = strictObject(
  { regionCode: { type: 'string', title: '地区代码', pattern: '^\\d{6}$' } },
  ['regionCode'],
);

export const bindRoomBody = strictObject(
  {
    // Case, spaces and dashes are forgiven: people retype codes in a chat.
    code: { type: 'string', title: '绑定码', minLength: 8, maxLength: 16, pattern: '^[0-9A-Za-z \\-]+$' },
    roomId,
    roomTopic: { type: 'string', title: '群名称', maxLength: 100, default: '' },
  },
  ['code', 'roomId'],
);

export const roomParams = strictObject({ roomId }, ['roomId']);

export const listRoomsQuery = strictObject({ ...paginationQuery });

export const leaseEventsQuery = strictObject(
  {
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
  ['consumer'],
);

export const eventParams = strictObject(
  { id: { type: 'string', title: '事件编号', minLength: 1, maxLength: 300 } },
  ['id'],
);

export const leaseDeliveriesQuery = strictObject(
  {
    consumer: leaseEventsQuery.properties.consumer,
    limit: { type: 'integer', title: '最多领取条数', minimum: 1, maximum: 100, default: 20 },
    leaseSeconds: leaseEventsQuery.properties.leaseSeconds,
    rooms: {
      type: 'string',
      title: '只领取这些群聊的投递（逗号分隔的群聊编号）',
      maxLength: 20000,
    },
  },
  ['consumer'],
);

export const deliveryParams = strictObject(
  { id: { type: 'string', title: '投递编号', minLength: 1, maxLength: 500 } },
  ['id'],
);

export const failDeliveryBody = strictObject(
  {
    error: { type: 'string', title: '发送失败原因', minLength: 1, maxLength: 500 },
    retryInSeconds: { type: 'integer', title: '多少秒后重试', minimum: 0, maximum: 86400, default: 60 },
  },
  ['error'],
);

export const subscriptionBody = strictObject(
  {
    topic: { type: 'string', title: '推送类型', enum: [...SUBSCRIPTION_TOPICS] },
    on: { type: 'boolean', title: '是否接收' },
  },
  ['topic', 'on'],
);

export const unbindRoomBody = strictObject({ code: bindRoomBody.properties.code, roomId }, [
  'code',
  'roomId',
]);

export const regionSearchQuery = strictObject(
  { q: { type: 'string', title: '地区名称', minLength: 1, maxLength: 30 } },
  ['q'],
);
