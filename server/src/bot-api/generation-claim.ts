// Leases of the bot's outbox events and (event, group) deliveries, decided by an insert (exact also on
// FerretDB, see ARCHITECTURE "Rules of the road"): generation n+1 of a lease is one `OutboxClaim` `_id`,
// inserted once, and only after generation n's lease ran out (checked on its claim, the authoritative
// record; the leased document's leaseOwner/leaseUntil/attempts are a copy for people and queries).
import { isDuplicateKey } from '../db/duplicate-key';
import { claimId, OutboxClaim, type OutboxClaimDoc } from './model';

/**
 * Takes the next lease generation of `id` (an event id or a delivery id) for `consumer` until `until`,
 * starting after `attempts` (the leased document's copy). Returns the generation taken, or undefined
 * when a live lease is held (or five generations were taken by others meanwhile).
 */
export async function takeLeaseGeneration(
  id: string,
  attempts: number | undefined,
  consumer: string,
  now: Date,
  until: Date,
): Promise<number | undefined> {
  let generation = attempts ?? 0;
  for (let step = 0; step < 5; step++) {
    if (generation > 0) {
      const current = await OutboxClaim.findById(claimId(id, generation)).lean<OutboxClaimDoc>();
      if (current && current.until > now) return undefined;
    }
    try {
      await OutboxClaim.create({
        _id: claimId(id, generation + 1),
        eventId: id,
        generation: generation + 1,
        owner: consumer,
        until,
        createdAt: now,
      });
      return generation + 1;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      generation++; // someone took that generation: is their lease still live?
    }
  }
  return undefined;
}
