// Hold-to-confirm for the SOS controls: a pocket tap must never raise an alarm.
// Pointer (finger, mouse, pen) or keyboard (Space or Enter held down); a ring fills while held.

export const HOLD_MS = 2000;
const SVG = "http://www.w3.org/2000/svg";
const KEYS = new Set([" ", "Enter"]);

/** The ring drawn inside an SOS control; CSS animates it while the control is held. */
export function progressRing() {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "sos-ring");
  svg.setAttribute("viewBox", "0 0 100 100");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const circle = document.createElementNS(SVG, "circle");
  for (const [name, value] of [["cx", 50], ["cy", 50], ["r", 46], ["pathLength", 100]]) {
    circle.setAttribute(name, String(value));
  }
  svg.append(circle);
  return svg;
}

/**
 * Make `button` confirm only after being held for `duration` ms.
 * `onStart()` when a hold begins, `onConfirm()` once held long enough, `onTap()` when released
 * early (or activated by assistive technology, which sends a plain click).
 */
export function holdToConfirm(button, { onStart, onConfirm, onTap, duration = HOLD_MS }) {
  let timer = null;
  let handled = false;  // the click that follows a pointer or key release is already dealt with

  const start = () => {
    if (timer) return;
    handled = true;
    button.classList.add("holding");
    button.setAttribute("aria-pressed", "true");
    timer = setTimeout(() => {
      timer = null;
      stop();
      onConfirm();
    }, duration);
    if (onStart) onStart();
  };
  const stop = () => {
    button.classList.remove("holding");
    button.removeAttribute("aria-pressed");
  };
  const release = () => {
    if (!timer) return;
    clearTimeout(timer);
    timer = null;
    stop();
    if (onTap) onTap();
  };
  const abort = () => {
    if (!timer) return;
    clearTimeout(timer);
    timer = null;
    stop();
  };

  button.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();  // no text selection or focus juggling on a long press
    button.setPointerCapture(event.pointerId);
    button.focus({ preventScroll: true });
    start();
  });
  button.addEventListener("pointerup", release);
  button.addEventListener("pointercancel", abort);
  button.addEventListener("lostpointercapture", abort);
  button.addEventListener("contextmenu", (event) => event.preventDefault());
  button.addEventListener("keydown", (event) => {
    if (!KEYS.has(event.key)) return;
    event.preventDefault();  // no scrolling on Space, no click on Enter
    if (!event.repeat) start();
  });
  button.addEventListener("keyup", (event) => {
    if (!KEYS.has(event.key)) return;
    event.preventDefault();  // so no click follows a key release
    handled = false;
    release();
  });
  button.addEventListener("blur", abort);
  button.addEventListener("click", (event) => {
    event.preventDefault();
    if (handled) {
      handled = false;
      return;
    }
    if (onTap) onTap();
  });
}
