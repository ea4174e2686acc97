/**
 * The demo shop window: categories, bouquets and add-ons with prices in kopecks, and two pickup stores.
 * `slug` exists only for tests and the README; Posiflora knows items by id.
 * `stock` per store: a number where the store counts pieces (ready bouquets on the showcase), `null`
 * where it makes to order (no count), and no key where the store does not sell the item.
 */
export interface SeedItem {
  slug: string;
  title: string;
  category: string;
  price: number;
  stock: Record<string, number | null>;
  /** A price that differs at one store (Posiflora prices per store). */
  storePrice?: Record<string, number>;
  description?: string;
}

export const DEMO_STORES = [
  { id: "store-1", title: "Цветочная лавка на Садовой", addressCity: "Москва", address: "Садовая ул., 12" },
  { id: "store-2", title: "Цветочная лавка у Парка", addressCity: "Москва", address: "Парковая ул., 3" },
] as const;

export const DEMO_CATEGORIES = [
  { id: "cat-roses", title: "Розы", color: "d50000" },
  { id: "cat-author", title: "Авторские букеты", color: "8e24aa" },
  { id: "cat-spring", title: "Тюльпаны и сезонные", color: "fdd835" },
  { id: "cat-extras", title: "Дополнения", color: "546e7a" },
] as const;

const both = { "store-1": null, "store-2": null };
const onlyPark = { "store-2": null };

export const DEMO_ITEMS: SeedItem[] = [
  { slug: "rose", title: "Роза Red Naomi", category: "cat-roses", price: 100_000, stock: both },
  {
    slug: "rose-15",
    title: "Букет из 15 роз",
    category: "cat-roses",
    price: 350_000,
    stock: both,
    description: "Пятнадцать красных роз, 60 см, в крафте.",
  },
  { slug: "rose-25", title: "Букет из 25 роз", category: "cat-roses", price: 550_000, stock: both },
  {
    slug: "rose-51",
    title: "Букет из 51 розы",
    category: "cat-roses",
    price: 1_050_000,
    stock: both,
    storePrice: { "store-2": 990_000 },
  },
  { slug: "rose-101", title: "Букет из 101 розы", category: "cat-roses", price: 1_990_000, stock: onlyPark },
  { slug: "rose-white-11", title: "11 белых роз", category: "cat-roses", price: 290_000, stock: both },
  { slug: "rose-peony", title: "Пионовидные розы, 9 шт", category: "cat-roses", price: 420_000, stock: both },
  {
    slug: "rose-bush",
    title: "Кустовые розы в шляпной коробке",
    category: "cat-roses",
    price: 480_000,
    stock: { "store-1": 2, "store-2": 0 },
  },
  { slug: "rose-mono", title: "Монобукет роз Капучино", category: "cat-roses", price: 380_000, stock: both },
  { slug: "rose-heart", title: "Сердце из роз", category: "cat-roses", price: 890_000, stock: onlyPark },
  { slug: "author-morning", title: "Букет «Утро в Провансе»", category: "cat-author", price: 460_000, stock: both },
  {
    slug: "author-tender",
    title: "Букет «Нежность»",
    category: "cat-author",
    price: 320_000,
    stock: { "store-1": 3, "store-2": 1 },
  },
  { slug: "author-sunny", title: "Букет «Солнечный»", category: "cat-author", price: 280_000, stock: both },
  { slug: "author-berry", title: "Букет «Ягодный сорбет»", category: "cat-author", price: 510_000, stock: both },
  { slug: "author-field", title: "Полевой букет", category: "cat-author", price: 240_000, stock: both },
  { slug: "author-eustoma", title: "Букет из эустомы", category: "cat-author", price: 310_000, stock: both },
  {
    slug: "author-hydrangea",
    title: "Гортензии в корзине",
    category: "cat-author",
    price: 690_000,
    stock: { "store-1": 1 },
  },
  { slug: "author-box", title: "Цветы в коробке «Комплимент»", category: "cat-author", price: 350_000, stock: both },
  { slug: "author-wedding", title: "Букет невесты", category: "cat-author", price: 750_000, stock: onlyPark },
  { slug: "author-minimal", title: "Букет «Минимализм»", category: "cat-author", price: 190_000, stock: both },
  { slug: "author-lush", title: "Букет «Пышный»", category: "cat-author", price: 820_000, stock: both },
  { slug: "tulip", title: "Тюльпан, 1 шт", category: "cat-spring", price: 10_000, stock: both },
  { slug: "tulip-25", title: "25 тюльпанов", category: "cat-spring", price: 250_000, stock: both },
  { slug: "tulip-51", title: "51 тюльпан", category: "cat-spring", price: 480_000, stock: both },
  { slug: "tulip-mix", title: "Тюльпаны микс, 15 шт", category: "cat-spring", price: 170_000, stock: both },
  { slug: "mimosa", title: "Мимоза", category: "cat-spring", price: 50_000, stock: both },
  { slug: "peony-7", title: "7 пионов", category: "cat-spring", price: 390_000, stock: { "store-1": 4, "store-2": 2 } },
  { slug: "peony-15", title: "15 пионов", category: "cat-spring", price: 790_000, stock: both },
  { slug: "chrysanthemum", title: "Букет хризантем", category: "cat-spring", price: 210_000, stock: both },
  { slug: "lily", title: "Лилии, 5 веток", category: "cat-spring", price: 330_000, stock: both },
  { slug: "sunflower", title: "Подсолнухи, 7 шт", category: "cat-spring", price: 260_000, stock: both },
  { slug: "alstroemeria", title: "Альстромерии", category: "cat-spring", price: 200_000, stock: both },
  { slug: "card", title: "Открытка", category: "cat-extras", price: 15_000, stock: both },
  { slug: "card-mini", title: "Мини-открытка", category: "cat-extras", price: 9_990, stock: both },
  { slug: "vase", title: "Ваза стеклянная", category: "cat-extras", price: 90_000, stock: both },
  { slug: "balloon", title: "Воздушный шар", category: "cat-extras", price: 30_000, stock: both },
  {
    slug: "chocolate",
    title: "Шоколад ручной работы",
    category: "cat-extras",
    price: 45_000,
    stock: { "store-1": 10, "store-2": 10 },
  },
  // Appended, not inserted: ids follow the position, and demo ids never change.
  { slug: "author-french", title: "Букет «Французский»", category: "cat-author", price: 560_000, stock: both },
  { slug: "author-gerbera", title: "Букет из гербер", category: "cat-author", price: 230_000, stock: both },
];

/** The id Posiflora gives a seed item: a fixed UUID per position, so demo ids never change. */
export const seedItemId = (index: number): string => `f1000000-0000-4000-a000-${String(index + 1).padStart(12, "0")}`;

/** A demo item's id by slug, for tests and the README. */
export function demoItemId(slug: string): string {
  const index = DEMO_ITEMS.findIndex((i) => i.slug === slug);
  if (index < 0) throw new Error(`no demo item "${slug}"`);
  return seedItemId(index);
}
