// Personal messages: written by features (idempotent by `_id`), read by their one recipient.
import type { Types } from 'mongoose';
import type { Clock } from '../clock';
import { isDuplicateKey } from '../db/duplicate-key';
import { NotFoundError } from '../http/errors';
import { skipOf, type Page } from '../http/pagination';
import { UserMessage, type UserMessageDoc } from './model';

const messages = {
  notFound: '消息不存在',
};

export interface NewUserMessage {
  id: string;
  userId: Types.ObjectId;
  kind: string;
  title: string;
  body: string;
  link?: { type: string; id: string };
}

/** Writes the message unless one with the same id exists (a resumed step writes nothing twice). */
export async function sendUserMessage(clock: Clock, m: NewUserMessage): Promise<void> {
  try {
    await UserMessage.create({
      _id: m.id,
      userId: m.userId,
      kind: m.kind,
      title: m.title,
      body: m.body,
      link: m.link,
      createdAt: clock(),
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

export function messageView(m: UserMessageDoc) {
  return {
    id: m._id,
    kind: m.kind,
    title: m.title,
    body: m.body,
    link: m.link ?? null,
    createdAt: m.createdAt,
    read: !!m.readAt,
  };
}

/** The caller's messages, newest first, with the unread count. */
export async function listUserMessages(
  userId: Types.ObjectId,
  query: { page: number; pageSize: number; unread?: boolean },
): Promise<Page<ReturnType<typeof messageView>> & { unread: number }> {
  const filter = { userId, ...(query.unread ? { readAt: { $exists: false } } : {}) };
  const [items, total, unread] = await Promise.all([
    UserMessage.find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .skip(skipOf(query.page, query.pageSize))
      .limit(query.pageSize)
      .lean<UserMessageDoc[]>(),
    UserMessage.countDocuments(filter),
    UserMessage.countDocuments({ userId, readAt: { $exists: false } }),
  ]);
  return { items: items.map(messageView), total, page: query.page, pageSize: query.pageSize, unread };
}

/** Marks one of the caller's messages read (404 MESSAGE_NOT_FOUND for anyone else's). */
export async function markUserMessageRead(clock: Clock, userId: Types.ObjectId, id: string): Promise<void> {
  const m = await UserMessage.findById(id).lean<UserMessageDoc>();
  if (!m || !m.userId.equals(userId)) throw new NotFoundError(messages.notFound, 'MESSAGE_NOT_FOUND');
  if (!m.readAt) await UserMessage.updateOne({ _id: id }, { $set: { readAt: clock() } });
}
