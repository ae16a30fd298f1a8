import type { FastifyInstance } from 'fastify';

export function register(app: FastifyInstance): void {
  void app;
}
