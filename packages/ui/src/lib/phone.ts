/**
 * A stored E.164 phone as people read it, the way the agent writes it to clients
 * (`formatPhone` in @threadline/ai): «+7 912 345-67-89». Other countries stay in E.164.
 */
export function displayPhone(e164: string): string {
  const ru = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(e164);
  return ru ? `+7 ${ru[1]} ${ru[2]}-${ru[3]}-${ru[4]}` : e164;
}
