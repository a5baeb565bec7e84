import mongoose from 'mongoose';

/** Creates every model's indexes (and drops stale ones): same code on MongoDB and FerretDB. */
export async function syncAllIndexes(): Promise<void> {
  for (const name of mongoose.modelNames()) {
    await mongoose.model(name).syncIndexes();
  }
}
