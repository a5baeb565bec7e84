// qrcode-terminal ships no types; the one function the bot uses.
declare module 'qrcode-terminal' {
  const qrcode: { generate(text: string, opts?: { small?: boolean }, cb?: (qr: string) => void): void };
  export default qrcode;
}
