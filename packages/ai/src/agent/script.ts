// The project's agent script: what the agent knows and how it speaks. Owners edit it in admin;
// every text has a Russian default so a new project works before anyone touches it.
import type { FaqEntry, ProjectFacts, ProjectKnowledge } from "../knowledge.ts";
import type { CollectField, Objection } from "../sales/types.ts";

export interface AgentScript extends ProjectKnowledge {
  /** The project's name as clients know it, used in the greeting. */
  projectName: string;
  /** First words of the first reply; `{project}` is replaced with the project's name. */
  greeting: string;
  facts: ProjectFacts;
  faq: FaqEntry[];
  /** Stems that need a person ("опт", "скидк"), matched at the start of a word. */
  handoffTopics: string[];
  /** The first ask for the phone. */
  askPhone: string;
  /** A later ask, when the client went on without answering. */
  askPhoneAgain: string;
  /** The ask after the client hesitated or refused: says why the number is needed. */
  reAskPhone: string;
  /** Said before the ask when the knowledge has no answer to the client's question. */
  unknownQuestion: string;
  /** A number that is not valid; `{number}` is what the client wrote. */
  invalidPhone: string;
  /** A valid number received; `{phone}` is the number in international format. */
  confirmPhone: string;
  /** Said when a manager takes over. */
  handoff: string;
  /** Said when the client refused the phone after the last ask. */
  decline: string;
  /** Asks for the phone before a refusal marks the lead low quality. */
  maxPhoneAsks: number;
  /** Client silence, in minutes, after which a lead in `bot` becomes low quality. */
  timeoutMinutes: number;
  /** Objection phrasings and the project's answers. */
  objections: Objection[];
  /** What to collect before handing over; the phone is collected always. */
  collect: CollectField[];
  /** The agent's question for a field, where the project words it its own way. */
  fieldAsks: Partial<Record<CollectField, string>>;
  /** The owner's instructions to the agent (tone, what it may and may not say): for the model. */
  instructions: string;
}

export const DEFAULT_TEXTS = {
  greeting: "Здравствуйте! Это {project}, я виртуальный помощник.",
  askPhone: "Оставьте, пожалуйста, номер телефона — менеджер свяжется с вами и всё подробно расскажет.",
  askPhoneAgain: "Если вам удобно, оставьте номер телефона — менеджер перезвонит и ответит на все вопросы.",
  reAskPhone:
    "Понимаю. Номер нужен только для того, чтобы менеджер уточнил детали и ответил на ваши вопросы, — звонить без повода не будем. Оставите номер?",
  unknownQuestion: "На этот вопрос точно ответит менеджер.",
  invalidPhone:
    "Кажется, в номере «{number}» ошибка. Проверьте, пожалуйста, и пришлите его полностью, в формате +7 9XX XXX-XX-XX.",
  confirmPhone: "Записал ваш номер: {phone}.",
  handoff: "Спасибо! Передаю ваш вопрос менеджеру, он скоро с вами свяжется.",
  decline: "Хорошо, не буду настаивать. Если передумаете — просто напишите номер здесь, и менеджер с вами свяжется.",
} as const;

export const DEFAULT_MAX_PHONE_ASKS = 2;
export const DEFAULT_TIMEOUT_MINUTES = 60;

/** A script with the Russian defaults, overridden by whatever the project has set. */
export function defaultScript(projectName: string, overrides: Partial<Omit<AgentScript, "projectName">> = {}): AgentScript {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined && v !== null && v !== ""));
  return {
    projectName,
    ...DEFAULT_TEXTS,
    facts: {},
    faq: [],
    handoffTopics: [],
    objections: [],
    collect: ["phone"],
    fieldAsks: {},
    instructions: "",
    maxPhoneAsks: DEFAULT_MAX_PHONE_ASKS,
    timeoutMinutes: DEFAULT_TIMEOUT_MINUTES,
    ...defined,
  };
}

/** Fills `{name}` placeholders; unknown ones are left as they are. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
