package org.debian.bootc.planner.repository;

import java.time.LocalDate;

import jakarta.enterprise.context.ApplicationScoped;

import org.debian.bootc.events.ComposeType;
import org.debian.bootc.planner.Compose;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ComposeRepository implements PanacheRepositoryBase<Compose, String> {

    public Uni<Compose> findByRequestId(String requestId) {
        return find("requestId", requestId).firstResult();
    }

    /**
     * The next productmd respin for (name, version, date, type): 0 for the first
     * compose of the day, then 1, 2, … The upsert is atomic, so concurrent requests
     * never get the same respin.
     */
    public Uni<Integer> nextRespin(String name, String version, LocalDate date, ComposeType type) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                insert into compose_respin (name, version, compose_date, compose_type, last_respin)
                values (?1, ?2, ?3, ?4, 0)
                on conflict (name, version, compose_date, compose_type)
                do update set last_respin = compose_respin.last_respin + 1
                returning last_respin""", Integer.class)
                .setParameter(1, name)
                .setParameter(2, version)
                .setParameter(3, date)
                .setParameter(4, type.wireName())
                .getSingleResult());
    }
}
