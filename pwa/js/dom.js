// A tiny element builder: no innerHTML anywhere, so user data can never become markup.

let uid = 0;
/** A unique id for label/aria wiring. */
export function nextId(prefix = "f") {
  uid += 1;
  return prefix + "-" + uid;
}

/**
 * h("a", {href: "#/trips", class: "button"}, "text", child...)
 * Attributes: `class`, `text`, `on<event>` (a listener), booleans, everything else as attributes.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "text") {
      el.textContent = value;
    } else if (key === "value" && "value" in el) {
      el.value = value;
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace the contents of the main view and move focus to its heading for screen readers. */
export function render(view, ...children) {
  const main = document.getElementById("view");
  main.replaceChildren();
  append(main, [view, ...children]);
  const heading = main.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
    document.title = heading.textContent;
  }
  window.scrollTo(0, 0);
}

/** A polite status message (the general message at the top of a form, loading states...). */
export function notice(text, kind = "info") {
  return h("p", { class: "notice notice-" + kind, role: kind === "error" ? "alert" : "status" },
           text);
}

/** A tap-to-call link; `label` is the number as people read it (the API's `*_display`),
 * kept left to right inside right-to-left text. */
export function telLink(number, label, className = "tel") {
  return h("a", { href: "tel:" + number.replace(/[^+\d]/g, ""), class: className, dir: "ltr" },
           h("bdi", { dir: "ltr" }, label || number));
}

/** A translated sentence with its {number} kept left-to-right inside right-to-left text. */
export function withNumber(template, number) {
  return withIsolated(template, "number", number);
}

/** A translated sentence with its {name} (an address, a number: Latin text) isolated left to
 * right inside right-to-left text. */
export function withIsolated(template, name, value) {
  const [before, after = ""] = template.split("{" + name + "}");
  return [before, h("bdi", { dir: "ltr" }, value), after];
}
