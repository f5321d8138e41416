// A small hash router: "#/trips/12/edit" -> the first route whose pattern matches.

const routes = [];

/** route("/trips/:id", view): `view(params, query)` renders the screen (may be async); `query`
 * is the URLSearchParams of "#/reset?token=..." (links in emails carry their token so). */
export function route(pattern, view) {
  const names = [];
  const source = pattern.split("/").map((part) => {
    if (part.startsWith(":")) {
      names.push(part.slice(1));
      return "([^/]+)";
    }
    return part;
  }).join("/");
  routes.push({ regex: new RegExp("^" + source + "$"), names, view });
}

export function currentPath() {
  return location.hash.replace(/^#/, "") || "/";
}

export function go(path) {
  if (currentPath() === path) dispatch();
  else location.hash = "#" + path;
}

let fallback = () => {};
export function setFallback(view) {
  fallback = view;
}

export async function dispatch() {
  const [path, search = ""] = currentPath().split("?", 2);
  for (const { regex, names, view } of routes) {
    const match = path.match(regex);
    if (match) {
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
      return view(params, new URLSearchParams(search));
    }
  }
  return fallback(path);
}

export function start() {
  window.addEventListener("hashchange", dispatch);
  return dispatch();
}
