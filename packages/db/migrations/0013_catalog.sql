CREATE TABLE "catalog_categories" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_options" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"group_name" text DEFAULT '' NOT NULL,
	"name" text NOT NULL,
	"price_delta_minor" integer DEFAULT 0 NOT NULL,
	"available" boolean DEFAULT true NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "catalog_options_delta_not_negative" CHECK ("catalog_options"."price_delta_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "catalog_products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"category_id" uuid,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"price_minor" integer NOT NULL,
	"available" boolean DEFAULT true NOT NULL,
	"photo_key" text,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "catalog_products_price_positive" CHECK ("catalog_products"."price_minor" > 0)
);
--> statement-breakpoint
CREATE TABLE "catalog_upsells" (
	"project_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"upsell_product_id" uuid NOT NULL,
	CONSTRAINT "catalog_upsells_product_id_upsell_product_id_pk" PRIMARY KEY("product_id","upsell_product_id"),
	CONSTRAINT "catalog_upsells_not_self" CHECK ("catalog_upsells"."product_id" <> "catalog_upsells"."upsell_product_id")
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "currency" text DEFAULT 'RUB' NOT NULL;--> statement-breakpoint
ALTER TABLE "catalog_categories" ADD CONSTRAINT "catalog_categories_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_options" ADD CONSTRAINT "catalog_options_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_options" ADD CONSTRAINT "catalog_options_product_id_catalog_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."catalog_products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_products" ADD CONSTRAINT "catalog_products_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_products" ADD CONSTRAINT "catalog_products_category_id_catalog_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."catalog_categories"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_upsells" ADD CONSTRAINT "catalog_upsells_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_upsells" ADD CONSTRAINT "catalog_upsells_product_id_catalog_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."catalog_products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_upsells" ADD CONSTRAINT "catalog_upsells_upsell_product_id_catalog_products_id_fk" FOREIGN KEY ("upsell_product_id") REFERENCES "public"."catalog_products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "catalog_categories_project_name" ON "catalog_categories" USING btree ("project_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "catalog_options_product_name" ON "catalog_options" USING btree ("product_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "catalog_products_project_name" ON "catalog_products" USING btree ("project_id",lower("name")) WHERE "catalog_products"."archived_at" is null;--> statement-breakpoint
CREATE INDEX "catalog_products_category" ON "catalog_products" USING btree ("project_id","category_id","sort_order");--> statement-breakpoint
ALTER TABLE catalog_categories ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE catalog_categories FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON catalog_categories USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));--> statement-breakpoint
ALTER TABLE catalog_products ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE catalog_products FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON catalog_products USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));--> statement-breakpoint
ALTER TABLE catalog_options ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE catalog_options FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON catalog_options USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));--> statement-breakpoint
ALTER TABLE catalog_upsells ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE catalog_upsells FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON catalog_upsells USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));
