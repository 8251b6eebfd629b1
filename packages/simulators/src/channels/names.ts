// Russian names for simulated clients, picked deterministically from their ids.

const FIRST_NAMES = [
  "Анна", "Мария", "Екатерина", "Ольга", "Наталья", "Ирина", "Светлана", "Дарья",
  "Алексей", "Дмитрий", "Сергей", "Андрей", "Иван", "Михаил", "Николай", "Павел",
] as const;
const LAST_NAMES_F = ["Иванова", "Смирнова", "Кузнецова", "Попова", "Соколова", "Лебедева", "Козлова", "Новикова"] as const;
const LAST_NAMES_M = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков"] as const;

export function russianName(id: number): { firstName: string; lastName: string } {
  const n = Math.abs(id);
  const firstIndex = n % FIRST_NAMES.length;
  const lastNames = firstIndex < 8 ? LAST_NAMES_F : LAST_NAMES_M;
  return { firstName: FIRST_NAMES[firstIndex]!, lastName: lastNames[Math.floor(n / FIRST_NAMES.length) % lastNames.length]! };
}
