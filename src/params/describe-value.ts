const MAX_TEXT = 60;

/**
 * A value as an error message shows it: JSON where JSON can say it ("cheap", [1,2], {"a":1}), JavaScript where it
 * cannot (NaN, Infinity, 1e+21, undefined, 12n, a function), cut to about 60 characters.
 */
export function describeValue(value: unknown): string {
  let text: string;
  switch (typeof value) {
    case "number":
      text = Object.is(value, -0) ? "-0" : String(value);
      break;
    case "bigint":
      text = `${value}n`;
      break;
    case "undefined":
      text = "undefined";
      break;
    case "function":
      text = "a function";
      break;
    case "symbol":
      text = value.toString();
      break;
    default:
      text = json(value);
  }
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

function json(value: unknown): string {
  try {
    // Numbers JSON cannot hold (NaN, Infinity) and bigints, shown as JavaScript inside objects and lists too.
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v}n` : typeof v === "number" && !Number.isFinite(v) ? String(v) : v)) ?? String(value);
  } catch {
    return Array.isArray(value) ? "a list that JSON cannot hold" : "an object that JSON cannot hold";
  }
}
