/**
 * Certificates made at test time (ECDSA P-256, @peculiar/x509 on Node's
 * WebCrypto), so no key material is committed and nothing expires in the repo.
 */
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY = 86_400_000;

export interface Pem {
  readonly cert: string;
  readonly key: string;
}

export interface Authority extends Pem {
  readonly keys: CryptoKeyPair;
  readonly certificate: x509.X509Certificate;
}

let serial = 1;

export async function createAuthority(name: string): Promise<Authority> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: String(serial++).padStart(2, "0"),
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  return { keys, certificate, cert: certificate.toString("pem"), key: await keyPem(keys.privateKey) };
}

export interface LeafOptions {
  readonly commonName: string;
  /** "both" is a service's certificate that it also presents as a client (the health probe under mTLS). */
  readonly usage: "server" | "client" | "both";
  /** Days from now; negative for a certificate that has already expired. */
  readonly validFromDays?: number;
  readonly validToDays?: number;
}

export async function issueCertificate(authority: Authority, options: LeafOptions): Promise<Pem> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([
      ...(options.usage === "client" ? [] : [x509.ExtendedKeyUsage.serverAuth]),
      ...(options.usage === "server" ? [] : [x509.ExtendedKeyUsage.clientAuth]),
    ]),
  ];
  if (options.usage !== "client") {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        { type: "dns", value: "localhost" },
        { type: "ip", value: "127.0.0.1" },
      ]),
    );
  }
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: String(serial++).padStart(2, "0"),
    subject: `CN=${options.commonName}`,
    issuer: authority.certificate.subject,
    notBefore: new Date(Date.now() + (options.validFromDays ?? -1) * DAY),
    notAfter: new Date(Date.now() + (options.validToDays ?? 30) * DAY),
    publicKey: keys.publicKey,
    signingKey: authority.keys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions,
  });
  return { cert: certificate.toString("pem"), key: await keyPem(keys.privateKey) };
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}
