// One upload module (http/upload.ts): the file as body or multipart part, bounded; 413 and 415 in the
// error envelope with zh-CN messages; a refused upload drained so the client reads the answer.
import { expect } from 'chai';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../../../server/src/http/errors';
import { readUpload } from '../../../server/src/http/upload';
import { startTestServer, type TestServer } from '../../helpers/server';

const LIMIT = 1024;

async function bytesOf(file: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of file) n += chunk.length;
  return n;
}

describe('uploads: one module, 413 and 415', function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer('http_upload', {
      options: {
        extraRoutes: [
          {
            method: 'post',
            path: '/test/upload',
            summary: 'probe',
            auth: 'public',
            upload: true,
            handler: async (ctx) => {
              ctx.body = { bytes: await readUpload(ctx, LIMIT, bytesOf) };
            },
          },
        ],
      },
    });
  });
  after(async () => {
    await server?.close();
  });

  const post = (body: string | FormData, type?: string) =>
    fetch(`${server.url}/api/v1/test/upload`, {
      method: 'POST',
      body,
      headers: type ? { 'Content-Type': type } : {},
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));

  it('takes the file as the body or as the multipart `file` part', async () => {
    expect(await post('a,b\n1,2\n', 'text/csv')).to.deep.equal({ status: 200, body: { bytes: 8 } });
    const form = new FormData();
    form.set('file', new Blob(['a,b\n']), 'x.csv');
    expect(await post(form)).to.deep.equal({ status: 200, body: { bytes: 4 } });
  });

  it('413 PAYLOAD_TOO_LARGE past the limit, declared or streamed, with the limit in zh-CN', async () => {
    const big = 'x'.repeat(LIMIT * 3);
    const declared = await post(big, 'text/csv');
    expect(declared.status).to.equal(413);
    expect(declared.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
    expect(declared.body.error.message).to.match(/上传的文件过大/);
    // Chunked: no length up front, refused while reading.
    const stream = new Blob([big]).stream();
    const res = await fetch(`${server.url}/api/v1/test/upload`, {
      method: 'POST',
      body: stream,
      headers: { 'Content-Type': 'text/csv' },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).to.equal(413);
    expect(((await res.json()) as any).error.code).to.equal('PAYLOAD_TOO_LARGE');
  });

  it('415 UNSUPPORTED_MEDIA_TYPE for a body of another type, saying how to upload', async () => {
    const res = await post('GIF89a', 'image/gif');
    expect(res.status).to.equal(415);
    expect(res.body.error.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
    expect(res.body.error.message).to.match(/请上传 XLSX 或 CSV 文件/);
  });

  it('an empty upload is 400 IMPORT_EMPTY_FILE', async () => {
    const res = await post('', 'text/csv');
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('IMPORT_EMPTY_FILE');
  });

  it('the error classes carry 413 and 415', () => {
    expect(new PayloadTooLargeError('过大').status).to.equal(413);
    expect(new UnsupportedMediaTypeError('类型不对').status).to.equal(415);
  });
});
