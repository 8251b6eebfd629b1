ALTER TABLE "orders" ADD CONSTRAINT "orders_project_id" UNIQUE("project_id","id");--> statement-breakpoint
-- SET NULL of order_id alone (PostgreSQL 15): a deleted order leaves its payment, with its project.
ALTER TABLE "payments" ADD CONSTRAINT "payments_order_fk" FOREIGN KEY ("project_id","order_id") REFERENCES "public"."orders"("project_id","id") ON DELETE SET NULL ("order_id") ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payments_order_open" ON "payments" USING btree ("order_id") WHERE "payments"."order_id" is not null and "payments"."status" in ('pending', 'succeeded');
