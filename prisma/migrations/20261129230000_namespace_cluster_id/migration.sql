-- Pull-mode inputs page one cluster by namespace id
CREATE INDEX "Namespace_cluster_id_idx" ON "Namespace"("cluster", "id");
