// A tiny W3C WebDriver client over plain HTTP (Node's fetch). Enough for tauri-driver + WebKitWebDriver:
// sessions, script execution, element click / send keys, screenshots, alerts, timeouts.

export const ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {
  constructor(status, value, what) {
    super(`${what}: ${value?.error ?? status} — ${String(value?.message ?? "").split("\n")[0]}`);
    this.name = "WebDriverError";
    this.status = status;
    this.error = value?.error;
  }
}

/** An element reference as WebDriver passes it (also accepted as a script argument). */
export function isElement(v) {
  return v !== null && typeof v === "object" && ELEMENT_KEY in v;
}

export class Session {
  /** @param {string} base e.g. http://127.0.0.1:4444 */
  constructor(base) {
    this.base = base;
    this.id = null;
  }

  async #req(method, path, body, what = `${method} ${path}`) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      throw new WebDriverError(res.status, { error: "bad json", message: text.slice(0, 300) }, what);
    }
    if (!res.ok || (json.value && typeof json.value === "object" && "error" in json.value && json.value.error)) {
      throw new WebDriverError(res.status, json.value, what);
    }
    return json.value;
  }

  #s(path) {
    if (!this.id) throw new Error("no WebDriver session");
    return `/session/${this.id}${path}`;
  }

  /** Starts a session with the app binary. */
  async start(application) {
    const value = await this.#req("POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application } } },
    });
    this.id = value.sessionId;
    return value;
  }

  async end() {
    if (!this.id) return;
    try {
      await this.#req("DELETE", `/session/${this.id}`);
    } finally {
      this.id = null;
    }
  }

  setTimeouts(t) {
    return this.#req("POST", this.#s("/timeouts"), t);
  }

  /** Runs a synchronous script (`return …`). Element references in args become DOM elements. */
  exec(script, ...args) {
    return this.#req("POST", this.#s("/execute/sync"), { script, args }, "execute script");
  }

  /** Runs an asynchronous script: the last argument is the callback. */
  execAsync(script, ...args) {
    return this.#req("POST", this.#s("/execute/async"), { script, args }, "execute async script");
  }

  click(el) {
    return this.#req("POST", this.#s(`/element/${el[ELEMENT_KEY]}/click`), {}, "click");
  }

  clear(el) {
    return this.#req("POST", this.#s(`/element/${el[ELEMENT_KEY]}/clear`), {}, "clear");
  }

  sendKeys(el, text) {
    return this.#req("POST", this.#s(`/element/${el[ELEMENT_KEY]}/value`), { text }, "send keys");
  }

  text(el) {
    return this.#req("GET", this.#s(`/element/${el[ELEMENT_KEY]}/text`), undefined, "element text");
  }

  property(el, name) {
    return this.#req("GET", this.#s(`/element/${el[ELEMENT_KEY]}/property/${name}`), undefined, "element property");
  }

  enabled(el) {
    return this.#req("GET", this.#s(`/element/${el[ELEMENT_KEY]}/enabled`), undefined, "element enabled");
  }

  title() {
    return this.#req("GET", this.#s("/title"));
  }

  /** Base64 PNG of the viewport. */
  screenshot() {
    return this.#req("GET", this.#s("/screenshot"), undefined, "take screenshot");
  }

  /** The text of an open user prompt (alert/confirm), or null when there is none. */
  async alertText() {
    try {
      return await this.#req("GET", this.#s("/alert/text"));
    } catch (e) {
      if (e instanceof WebDriverError && e.error === "no such alert") return null;
      throw e;
    }
  }

  dismissAlert() {
    return this.#req("POST", this.#s("/alert/dismiss"), {});
  }

  /** Sends keys to whatever has focus (W3C actions). */
  async pressKeys(keys) {
    const actions = [];
    for (const k of keys) actions.push({ type: "keyDown", value: k });
    for (const k of [...keys].reverse()) actions.push({ type: "keyUp", value: k });
    await this.#req("POST", this.#s("/actions"), { actions: [{ type: "key", id: "keyboard", actions }] }, "key actions");
    await this.#req("DELETE", this.#s("/actions"), undefined, "release actions");
  }
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes; then throws with `what`. */
export async function waitFor(fn, what, timeoutMs = 15000, intervalMs = 100) {
  const started = Date.now();
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ""}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
