import assert from "node:assert/strict";
import { bypassesProxy, proxyAuthorization, proxyFor, redactUrl } from "../../../provider/resources/volume/proxy";

const url = (text: string): URL => new URL(text);

describe("the proxy of a source URL", () => {
  it("takes HTTP_PROXY for http and HTTPS_PROXY for https, lower-case names first", () => {
    const env = { HTTP_PROXY: "http://plain:3128", HTTPS_PROXY: "http://secure:3128" };
    assert.equal(proxyFor(url("http://images.example/a.img"), env)?.host, "plain:3128");
    assert.equal(proxyFor(url("https://images.example/a.img"), env)?.host, "secure:3128");
    assert.equal(proxyFor(url("https://images.example/a.img"), { http_proxy: "http://plain:3128" }), undefined, "no https proxy set");
    assert.equal(
      proxyFor(url("http://images.example/a.img"), { http_proxy: "http://lower:1", HTTP_PROXY: "http://upper:2" })?.host,
      "lower:1",
    );
    assert.equal(proxyFor(url("http://images.example/a.img"), { http_proxy: "", HTTP_PROXY: "http://upper:2" })?.host, "upper:2");
    assert.equal(proxyFor(url("http://images.example/a.img"), {}), undefined);
  });

  it("takes a bare host:port as an http proxy, and refuses others without showing the password", () => {
    assert.equal(proxyFor(url("http://x/a"), { HTTP_PROXY: "proxy.lan:8080" })?.href, "http://proxy.lan:8080/");
    assert.throws(
      () => proxyFor(url("https://x/a"), { HTTPS_PROXY: "https://u:hunter2@proxy.lan:8443" }),
      (e: Error) =>
        /HTTPS_PROXY https:\/\/\*\*\*@proxy\.lan:8443\/: only http:\/\/ proxies/.test(e.message) && !e.message.includes("hunter2"),
    );
    assert.throws(
      () => proxyFor(url("http://x/a"), { HTTP_PROXY: "http://u:hunter2@" }),
      (e: Error) => /HTTP_PROXY is not a proxy URL/.test(e.message) && !e.message.includes("hunter2"),
    );
  });

  it("does not treat loopback specially", () => {
    assert.equal(proxyFor(url("http://127.0.0.1:8000/a"), { HTTP_PROXY: "http://p:1" })?.host, "p:1");
    assert.equal(proxyFor(url("http://localhost/a"), { HTTP_PROXY: "http://p:1" })?.host, "p:1");
    assert.equal(proxyFor(url("http://127.0.0.1:8000/a"), { HTTP_PROXY: "http://p:1", NO_PROXY: "127.0.0.1" }), undefined);
    assert.equal(proxyFor(url("http://127.0.0.1:8000/a"), { HTTP_PROXY: "http://p:1", no_proxy: "localhost" })?.host, "p:1");
  });
});

describe("NO_PROXY", () => {
  const cases: Array<[noProxy: string, target: string, bypass: boolean]> = [
    ["*", "https://anything.example/a", true],
    ["", "http://a.example/", false],
    ["example.com", "http://example.com/", true],
    ["example.com", "http://mirror.example.com/", true],
    ["example.com", "http://notexample.com/", false],
    [".example.com", "http://example.com/", true],
    [".example.com", "http://a.b.example.com/", true],
    ["*.example.com", "http://a.example.com/", true],
    ["*.example.com", "http://example.org/", false],
    ["EXAMPLE.com", "http://Mirror.Example.COM/", true],
    ["other.org, example.com", "http://example.com/", true],
    ["other.org example.com", "http://example.com/", true],
    ["example.com:8080", "http://example.com:8080/", true],
    ["example.com:8080", "http://example.com/", false],
    ["example.com:80", "http://example.com/", true],
    ["example.com:443", "https://example.com/", true],
    ["192.168.1.10", "http://192.168.1.10:8000/", true],
    ["192.168.1.10", "http://192.168.1.11/", false],
    ["192.168.1.10:8000", "http://192.168.1.10:8000/", true],
    ["192.168.1.10:8000", "http://192.168.1.10:9000/", false],
    ["10.0.0.0/8", "http://10.20.30.40/", true],
    ["10.0.0.0/8", "http://11.0.0.1/", false],
    ["10.0.0.0/8", "http://ten.example/", false],
    ["::1", "http://[::1]:8000/", true],
    ["0:0:0:0:0:0:0:1", "http://[::1]/", true],
    ["[::1]:8000", "http://[::1]:8000/", true],
    ["[::1]:8000", "http://[::1]:9000/", false],
    ["fd00::/8", "http://[fd12::5]/", true],
    ["fd00::/8", "http://[fe80::5]/", false],
    ["127.0.0.0/8", "http://127.0.0.1:3000/", true],
  ];
  for (const [noProxy, target, bypass] of cases) {
    it(`${JSON.stringify(noProxy)} ${bypass ? "sends" : "does not send"} ${target} around the proxy`, () => {
      assert.equal(bypassesProxy(url(target), noProxy), bypass);
    });
  }
});

describe("credentials in proxy and source URLs", () => {
  it("are hidden in messages", () => {
    assert.equal(redactUrl("http://user:hunter2@proxy:3128"), "http://***@proxy:3128/");
    assert.equal(redactUrl(url("http://user@proxy:3128/")), "http://***@proxy:3128/");
    assert.equal(redactUrl("https://images.example/a.qcow2"), "https://images.example/a.qcow2");
    assert.equal(redactUrl("not a url with hunter2"), "(not a URL)");
  });

  it("go to the proxy as Basic authorization", () => {
    assert.deepEqual(proxyAuthorization(url("http://proxy:3128")), {});
    assert.deepEqual(proxyAuthorization(url("http://al%40ice:p%3Ass@proxy:3128")), {
      "proxy-authorization": `Basic ${Buffer.from("al@ice:p:ss").toString("base64")}`,
    });
  });
});
