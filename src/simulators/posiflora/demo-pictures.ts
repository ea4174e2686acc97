import { DEMO_ITEMS, seedItemId } from "./catalog-seed.ts";

/**
 * Demo photos as SVG drawings that look like what the item is called: red roses are red roses, a vase is
 * a vase. `name` is a Posiflora image id (`img-<item id>-<n>`) or a demo slug (`rose-15`), with or
 * without `.svg`; the second photo of an item is the same thing on another background.
 */
export function demoPicture(name: string): string {
  const bare = name.replace(/\.svg$/, "");
  const match = /^img-(.+)-(\d+)$/.exec(bare);
  const index = match ? DEMO_ITEMS.findIndex((_, i) => seedItemId(i) === match[1]) : -1;
  const slug = index >= 0 ? DEMO_ITEMS[index]!.slug : bare;
  const variant = match ? Number(match[2]) : 1;
  const bg = variant % 2 === 1 ? "#f6f1ea" : "#eaf2f6";
  return svg(bg, drawing(slug, hash(slug)));
}

const svg = (bg: string, body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="320" viewBox="0 0 320 320"><rect width="320" height="320" fill="${bg}"/>${body}</svg>`;

function hash(text: string): number {
  return [...text].reduce((a, ch) => (a * 31 + ch.charCodeAt(0)) % 100_003, 7);
}

const stems = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const x = 160 + (i - (n - 1) / 2) * 10;
    return `<line x1="${x}" y1="170" x2="${160 + (i - (n - 1) / 2) * 3}" y2="300" stroke="#3d8b37" stroke-width="5"/>`;
  }).join("");

/** Flower heads in a dome: `count` of them, each drawn by `head`. */
const PAPERS = ["#c9a27a", "#e9d8a6", "#a8dadc", "#b5838d", "#cdb4db"];

function bouquet(count: number, colors: string[], head: (x: number, y: number, r: number, c: string) => string) {
  const heads = Math.min(count, 9);
  const r = heads === 1 ? 46 : heads <= 3 ? 36 : 28;
  const places = Array.from({ length: heads }, (_, i) => {
    if (heads === 1) return [160, 120];
    const ring = i < 3 ? 0 : 1;
    const slot = ring === 0 ? i : i - 3;
    const total = ring === 0 ? Math.min(heads, 3) : heads - 3;
    const x = 160 + (slot - (total - 1) / 2) * (r * 1.8);
    return [x, ring === 0 ? 150 : 95];
  });
  return (
    stems(Math.min(heads, 5)) +
    places.map(([x, y], i) => head(x!, y!, r, colors[i % colors.length]!)).join("") +
    (heads > 1 ? `<path d="M95 180 L160 300 L225 180 Z" fill="${PAPERS[count % PAPERS.length]!}" opacity="0.85"/>` : "")
  );
}

const rose = (x: number, y: number, r: number, c: string) =>
  `<circle cx="${x}" cy="${y}" r="${r}" fill="${c}"/><circle cx="${x}" cy="${y}" r="${r * 0.62}" fill="none" stroke="#00000033" stroke-width="4"/><circle cx="${x}" cy="${y}" r="${r * 0.28}" fill="none" stroke="#00000040" stroke-width="4"/>`;
const tulip = (x: number, y: number, r: number, c: string) =>
  `<path d="M${x - r * 0.7} ${y - r * 0.6} L${x - r * 0.35} ${y - r * 0.1} L${x} ${y - r * 0.7} L${x + r * 0.35} ${y - r * 0.1} L${x + r * 0.7} ${y - r * 0.6} Q${x + r * 0.8} ${y + r * 0.8} ${x} ${y + r * 0.8} Q${x - r * 0.8} ${y + r * 0.8} ${x - r * 0.7} ${y - r * 0.6} Z" fill="${c}"/>`;
const daisy = (centre: string) => (x: number, y: number, r: number, c: string) =>
  Array.from({ length: 12 }, (_, i) => {
    const a = (i * Math.PI) / 6;
    return `<ellipse cx="${(x + Math.cos(a) * r * 0.6).toFixed(1)}" cy="${(y + Math.sin(a) * r * 0.6).toFixed(1)}" rx="${r * 0.42}" ry="${r * 0.18}" transform="rotate(${i * 30} ${(x + Math.cos(a) * r * 0.6).toFixed(1)} ${(y + Math.sin(a) * r * 0.6).toFixed(1)})" fill="${c}"/>`;
  }).join("") + `<circle cx="${x}" cy="${y}" r="${r * 0.38}" fill="${centre}"/>`;
const puff = (x: number, y: number, r: number, c: string) =>
  Array.from({ length: 7 }, (_, i) => {
    const a = (i * 2 * Math.PI) / 7;
    return `<circle cx="${(x + Math.cos(a) * r * 0.45).toFixed(1)}" cy="${(y + Math.sin(a) * r * 0.45).toFixed(1)}" r="${r * 0.55}" fill="${c}"/>`;
  }).join("") + `<circle cx="${x}" cy="${y}" r="${r * 0.4}" fill="#ffffff55"/>`;

const count = (slug: string) => Number(/(\d+)/.exec(slug)?.[1] ?? 1);
const PALETTES = [
  ["#e85d75", "#f7c6d0", "#ffffff"],
  ["#9b5de5", "#f15bb5", "#fee440"],
  ["#f4a261", "#e76f51", "#ffe8d6"],
  ["#c1121f", "#fdf0d5", "#669bbc"],
  ["#ffafcc", "#bde0fe", "#cdb4db"],
];

function drawing(slug: string, h: number): string {
  if (slug.startsWith("rose-white")) return bouquet(11, ["#ffffff", "#f4f4f4"], rose);
  if (slug === "rose-peony") return bouquet(9, ["#f4a7b9", "#f7c6d0"], puff);
  if (slug === "rose-mono") return bouquet(9, ["#c8a27c", "#d9b99b"], rose);
  if (slug === "rose-heart")
    return `<path d="M160 280 C40 190 60 70 160 120 C260 70 280 190 160 280 Z" fill="#c1121f"/>${rose(125, 150, 22, "#e63946")}${rose(195, 150, 22, "#e63946")}${rose(160, 200, 22, "#e63946")}`;
  if (slug.startsWith("rose")) return bouquet(count(slug), ["#d00000", "#b00020"], rose);
  if (slug.startsWith("tulip"))
    return bouquet(count(slug), slug.includes("mix") ? ["#ff595e", "#ffca3a", "#8ac926"] : ["#ff4d6d"], tulip);
  if (slug.startsWith("peony")) return bouquet(count(slug), ["#ff8fab", "#ffb3c6"], puff);
  if (slug === "mimosa") return bouquet(9, ["#ffd60a", "#ffc300"], (x, y, r, c) => puff(x, y, r * 0.6, c));
  if (slug === "sunflower") return bouquet(7, ["#ffb703"], daisy("#6b4226"));
  if (slug === "chrysanthemum") return bouquet(9, ["#ffffff", "#fff3b0"], daisy("#e9c46a"));
  if (slug === "lily") return bouquet(5, ["#ffffff", "#ffe5ec"], daisy("#f4a261"));
  if (slug === "alstroemeria") return bouquet(7, ["#f77f00", "#fcbf49"], tulip);
  if (slug.startsWith("card"))
    return `<rect x="${slug === "card-mini" ? 100 : 70}" y="90" width="${slug === "card-mini" ? 120 : 180}" height="${slug === "card-mini" ? 90 : 130}" rx="6" fill="#ffffff" stroke="#c9a27a" stroke-width="4"/><path d="M${slug === "card-mini" ? 100 : 70} 90 L160 ${slug === "card-mini" ? 140 : 160} L${slug === "card-mini" ? 220 : 250} 90" fill="none" stroke="#c9a27a" stroke-width="4"/>${rose(160, slug === "card-mini" ? 155 : 185, 12, "#e63946")}`;
  if (slug === "vase")
    return `<path d="M120 80 L200 80 L190 110 Q240 180 200 280 L120 280 Q80 180 130 110 Z" fill="#bde0fe" stroke="#5fa8d3" stroke-width="4" opacity="0.9"/>`;
  if (slug === "balloon")
    return `<ellipse cx="160" cy="120" rx="70" ry="85" fill="#e63946"/><path d="M160 205 Q150 250 170 300" stroke="#555" stroke-width="3" fill="none"/><ellipse cx="135" cy="90" rx="14" ry="24" fill="#ffffff66"/>`;
  if (slug === "chocolate")
    return `<rect x="80" y="80" width="160" height="170" rx="8" fill="#6b3e26"/>${Array.from({ length: 6 }, (_, i) => `<rect x="${92 + (i % 2) * 74}" y="${92 + Math.floor(i / 2) * 52}" width="62" height="42" rx="4" fill="#7f4f33"/>`).join("")}`;
  if (slug.startsWith("hot"))
    return `<ellipse cx="160" cy="210" rx="110" ry="30" fill="#ffffff" stroke="#ccc" stroke-width="4"/><ellipse cx="160" cy="200" rx="70" ry="22" fill="#e76f51"/><path d="M140 150 q10 -20 0 -40 M170 150 q10 -20 0 -40" stroke="#aaa" stroke-width="4" fill="none"/>`;
  if (slug.startsWith("drink"))
    return `<path d="M110 120 L210 120 L200 250 L120 250 Z" fill="#ffffff" stroke="#6b4226" stroke-width="5"/><rect x="112" y="130" width="96" height="30" fill="#6b4226"/><path d="M210 150 q40 10 0 50" stroke="#6b4226" stroke-width="8" fill="none"/>`;
  if (slug.startsWith("dessert"))
    return `<path d="M90 230 L230 230 L230 170 L90 170 Z" fill="#f7c6a3"/><rect x="90" y="150" width="140" height="24" fill="#ffffff"/><circle cx="160" cy="140" r="14" fill="#d00000"/><ellipse cx="160" cy="240" rx="110" ry="18" fill="#e0e0e0"/>`;
  return bouquet(4 + (h % 6), PALETTES[h % PALETTES.length]!, h % 2 ? rose : puff);
}
